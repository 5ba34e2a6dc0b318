namespace Ttc.Inference.Onnx;

/// <summary>
/// How many rows one thread decodes at a time (its sub-batch; rows still waiting take finished rows'
/// places). Every decode step reads each row's whole KV cache once, so what the running sub-batches
/// hold between two of their steps is what must stay in the CPU's cache. Fewer rows per call cost
/// MatMul efficiency and a reread of the weights per call, so fewer rows than an even share of the
/// batch are held only for a model whose weights sit in the cache too, and never below <see cref="MinRows"/>.
/// </summary>
internal static class SubBatches
{
    /// <summary>
    /// Fewest rows the cache rule cuts a sub-batch to. Measured on 2 cores (large generator, batch 64, 128
    /// new tokens): sub-batches of 16 and of 11 rows both beat 32, and 8 rows ran slower than 32.
    /// </summary>
    public const int MinRows = 16;

    /// <summary>
    /// Most rows in one sub-batch: <paramref name="configured"/> when set, else the rows whose KV, for
    /// <paramref name="parallelism"/> sub-batches at once at their longest, fits in half the last-level
    /// cache (the other half is left to the weights, activations and other tenants of a shared cache),
    /// between <see cref="MinRows"/> and an even share of the batch, evened out over the rounds that
    /// share then takes. An even share, as before this rule, when the cache size is unknown (not Linux,
    /// or a GPU) or the weights take more than a quarter of it.
    /// </summary>
    /// <param name="batchRows">Rows of the batch.</param>
    /// <param name="parallelism">Sub-batches run at once.</param>
    /// <param name="configured">The <c>decodeSubBatchRows</c> setting (0: choose).</param>
    /// <param name="kvBytesPerRow">KV cache bytes of one row at its longest (prompt plus new tokens).</param>
    /// <param name="weightBytes">Bytes of the model's weights.</param>
    /// <param name="cacheBytes">Size of the last-level CPU cache, or null when unknown or not on the CPU.</param>
    public static int MaxRows(int batchRows, int parallelism, int configured, long kvBytesPerRow, long weightBytes, long? cacheBytes)
    {
        int share = (int)System.Math.Ceiling(batchRows / (double)System.Math.Max(1, parallelism));
        if (configured > 0)
        {
            return configured;
        }

        if (cacheBytes is not { } cache || weightBytes > cache / 4 || share <= MinRows)
        {
            return System.Math.Max(1, share);
        }

        int cap = (int)System.Math.Clamp(cache / 2 / (parallelism * System.Math.Max(1, kvBytesPerRow)), MinRows, share);

        // Rows that start together finish together when they write alike lengths, so a cut share runs in
        // rounds, and a last round of the few left runs its MatMuls at a fraction of their speed: even rounds
        // instead (a share of 32 under a cap of 26 as 16 + 16, not 26 + 6; 1.10-1.14x measured).
        int rounds = (share + cap - 1) / cap;
        return System.Math.Max(MinRows, (share + rounds - 1) / rounds);
    }
}
