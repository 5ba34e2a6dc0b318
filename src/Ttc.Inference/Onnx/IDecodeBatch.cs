namespace Ttc.Inference.Onnx;

/// <summary>
/// The state of a batch between decode steps, whichever layout holds its KV cache (<see cref="KvBatch"/>
/// for the Optimum layout, <see cref="FusedKvBatch"/> for the fused one), so one decode loop drives both.
/// </summary>
internal interface IDecodeBatch : IDisposable
{
    /// <summary>The rows, in batch order.</summary>
    List<DecodeRow> Rows { get; }

    /// <summary>Logits of the next token of row <paramref name="b"/> (valid until the next step).</summary>
    ReadOnlySpan<float> Logits(int b);

    /// <summary>Feeds every live row its last sampled token; the returned state replaces this one.</summary>
    IDecodeBatch Step();

    /// <summary>A batch of the live rows only; the returned state replaces this one.</summary>
    IDecodeBatch Compact();

    /// <summary>
    /// Prefills <paramref name="rows"/> (their cached prefixes taken) and adds them after the batch's rows,
    /// their next-token logits ready; the returned state replaces this one. When the prefill fails, this
    /// batch is left as it was.
    /// </summary>
    IDecodeBatch Join(List<DecodeRow> rows);

    /// <summary>The KV of row <paramref name="b"/>'s fed tokens, for the prefix cache (the caller holds its one reference).</summary>
    CachedPrefix Extract(int b, int[] tokens);
}
