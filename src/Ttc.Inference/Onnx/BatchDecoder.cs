using System.Diagnostics;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// Decodes a batch with a KV cache: a prefill of all rows (reusing cached prefixes), then one call per
/// token for the whole batch; finished rows are dropped from the batch once half of it is done, and
/// every finished row's KV is handed to the caller for the prefix cache. With a <c>refill</c>, rows
/// waiting elsewhere take the places of finished ones between steps, up to the batch's slots. The
/// model's layout picks the batch state: <see cref="KvBatch"/> (Optimum, left padded) or
/// <see cref="FusedKvBatch"/> (fused, in place).
/// </summary>
internal static class BatchDecoder
{
    /// <param name="model">The decoder.</param>
    /// <param name="rows">The rows to start with.</param>
    /// <param name="keep">Takes each finished row's KV (the prefix cache), or null.</param>
    /// <param name="stats">Counters.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <param name="refill">Gives up to the asked number of rows to join (none left: an empty list), or null.</param>
    /// <param name="slots">Most rows at once (at least <paramref name="rows"/>).</param>
    public static void Run(DecoderModel model, List<DecodeRow> rows, Action<DecodeRow, CachedPrefix>? keep, InferenceStats stats, CancellationToken cancellationToken, Func<int, List<DecodeRow>>? refill = null, int slots = 0)
    {
        var eos = model.Folder.EosTokenIds.ToHashSet();
        slots = System.Math.Max(slots, rows.Count);
        var state = Join(model, null, rows, slots, stats);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int b = 0; b < state.Rows.Count; b++)
                {
                    Advance(model, state, b, keep, eos);
                }

                if (refill is not null)
                {
                    state = Refill(model, state, refill, slots, keep, eos, stats);
                }

                if (state.Rows.All(r => r.Done))
                {
                    return;
                }

                if (state.Rows.Count >= 8 && state.Rows.Count(r => !r.Done) * 2 <= state.Rows.Count)
                {
                    state = state.Compact();
                }

                int live = state.Rows.Count(r => !r.Done);
                long start = Stopwatch.GetTimestamp();
                state = state.Step();
                stats.AddDecode(live, Stopwatch.GetElapsedTime(start));
            }
        }
        finally
        {
            state.Dispose();
        }
    }

    /// <summary>Lets waiting rows take finished rows' places (dropping those first) and samples their first tokens.</summary>
    private static IDecodeBatch Refill(DecoderModel model, IDecodeBatch state, Func<int, List<DecodeRow>> refill, int slots, Action<DecodeRow, CachedPrefix>? keep, HashSet<int> eos, InferenceStats stats)
    {
        int live = state.Rows.Count(r => !r.Done);
        var more = live < slots ? refill(slots - live) : [];
        if (more.Count == 0)
        {
            return state;
        }

        state = state.Rows.Count > live ? state.Compact() : state;
        int first = state.Rows.Count;
        state = Join(model, state, more, slots, stats);
        for (int b = first; b < state.Rows.Count; b++)
        {
            Advance(model, state, b, keep, eos);
        }

        return state;
    }

    /// <summary>
    /// Runs the prompts of <paramref name="rows"/> (their cached prefixes taken) into <paramref name="state"/>'s
    /// free slots, or into a new batch of <paramref name="slots"/> rows when it is null; counts the prefill,
    /// and releases the rows' cached prefixes whether or not the call succeeded.
    /// </summary>
    internal static IDecodeBatch Join(DecoderModel model, IDecodeBatch? state, List<DecodeRow> rows, int slots, InferenceStats stats)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            state = state is null ? Prefill(model, rows, slots) : state.Join(rows);
        }
        finally
        {
            rows.ForEach(r => r.ReleaseCache());
        }

        stats.AddPrefill(rows.Count, rows.Sum(r => r.Prompt.Length - r.Cached), Stopwatch.GetElapsedTime(start));
        return state;
    }

    /// <summary>A batch of <paramref name="rows"/> in the model's layout, with room for <paramref name="slots"/> rows where the layout reserves them.</summary>
    internal static IDecodeBatch Prefill(DecoderModel model, List<DecodeRow> rows, int slots) =>
        model.Layout == KvLayout.Fused ? FusedKvBatch.Prefill(model, rows, slots) : KvBatch.Prefill(model, rows);

    /// <summary>
    /// Samples the next token of row <paramref name="b"/> (when it is live) from the batch's logits: a
    /// row that ends hands its KV to <paramref name="keep"/> (for the prefix cache), one that goes on
    /// reports its text so far.
    /// </summary>
    internal static void Advance(DecoderModel model, IDecodeBatch state, int b, Action<DecodeRow, CachedPrefix>? keep, HashSet<int> eos)
    {
        var row = state.Rows[b];
        if (row.Done)
        {
            return;
        }

        var tokenizer = model.Folder.Tokenizer;
        Sample(model, row, state.Logits(b), tokenizer, eos);
        if (row.Done && keep is not null)
        {
            keep(row, state.Extract(b, row.FedTokens()));
        }
        else if (!row.Done && row.Request.OnText is { } onText)
        {
            onText(tokenizer.Decode(row.Sampled, skipAdded: true));
        }
    }

    private static void Sample(DecoderModel model, DecodeRow row, ReadOnlySpan<float> logits, Tokenization.HfTokenizer tokenizer, HashSet<int> eos)
    {
        var s = row.Request.Sampling;
        int token = row.Sampler.Sample(logits, s.Temperature, s.TopP);
        row.Sampled.Add(token);
        if (eos.Contains(token))
        {
            row.Text = tokenizer.Decode(row.Sampled.Take(row.Sampled.Count - 1), skipAdded: true);
            row.Stop = StopReason.EndOfSequence;
            return;
        }

        var generated = row.Sampled;
        var stop = row.Request.StopSequence;
        if (stop is not null)
        {
            // Only the tail can hold a new occurrence: decoding it keeps each step O(1) instead of O(length).
            int window = System.Math.Min(generated.Count, stop.Length + 4);
            if (tokenizer.Decode(generated.Skip(generated.Count - window), skipAdded: true).Contains(stop, StringComparison.Ordinal))
            {
                var text = tokenizer.Decode(generated, skipAdded: true);
                int at = text.IndexOf(stop, StringComparison.Ordinal);
                if (at >= 0)
                {
                    row.Text = text[..(at + stop.Length)];
                    row.Stop = StopReason.Separator;
                    return;
                }
            }
        }

        if (generated.Count >= s.MaxTokens || row.Fed + 1 >= model.MaxPositions)
        {
            row.Text = tokenizer.Decode(generated, skipAdded: true);
            row.Stop = StopReason.Length;
        }
    }
}
