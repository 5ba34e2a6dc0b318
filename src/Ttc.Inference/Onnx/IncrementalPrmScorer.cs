using Microsoft.ML.OnnxRuntime;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// Scores PRM inputs on a graph with a KV cache, reading only the tokens a solution gained since it
/// was last scored. A beam search rescores every beam's whole solution at each step; read from
/// scratch, that is several times the tokens the generator wrote, with the PRM's (larger) weights.
/// Each scored solution is kept in a prefix cache with its KV, its per-token logits and the graph's
/// carried state (<c>prm_state</c>, for heads whose features span the solution so far), so the next
/// step starts where the last one ended. Past columns are left-padded, new tokens right-padded (the
/// state after a row's last real token is then at a known column).
/// </summary>
internal sealed partial class IncrementalPrmScorer
{
    internal const string StateInput = "prm_state";
    internal const string StatesOutput = "prm_states";

    /// <summary>
    /// Most attention scores (rows x query heads x new tokens x columns) one call computes. Far below the
    /// generator's prefill budget (<see cref="KvBatch.MaxPrefillScores"/>): calls over many solutions read
    /// fewer tokens per second once their activations outgrow the CPU's caches. In `ttc bench search`
    /// (one run each), beam search over 16 searches at once ran 0.99x as fast as one at a time with 4M (96
    /// problems), 1.28x, 1.34x and 1.21x with 1M, 256K and 128K (64 problems); Best-of-N 1.40x, 1.56x,
    /// 1.61x and 1.92x.
    /// </summary>
    private const long MaxScores = 1L << 18;

    /// <summary>Fewest shared tokens worth reading apart (<see cref="Seed"/>).</summary>
    private const int MinShared = 16;

    private readonly InferenceSession _session;
    private readonly PrmPrompts _prompts;
    private readonly PrefixCache? _cache;
    private readonly string[] _pastNames;
    private readonly string[] _outputNames;
    private readonly bool _positionIds;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _attentionHeads;
    private readonly int _width;
    private readonly int _stateWidth;

    private IncrementalPrmScorer(InferenceSession session, PrmPrompts prompts, PrefixCache? cache, string[] pastNames, int kvHeads, int headDim, int attentionHeads, int width, int stateWidth)
    {
        _session = session;
        _prompts = prompts;
        _cache = cache;
        _pastNames = pastNames;
        _kvHeads = kvHeads;
        _headDim = headDim;
        _attentionHeads = attentionHeads;
        _width = width;
        _stateWidth = stateWidth;
        _positionIds = session.InputMetadata.ContainsKey("position_ids");
        var presents = pastNames.Select(n => "present." + n["past_key_values.".Length..]);
        _outputNames = stateWidth > 0 ? ["logits", StatesOutput, .. presents] : ["logits", .. presents];
    }

    private long _read;

    /// <summary>Tokens run through the model so far (shared prefixes read once included).</summary>
    public long ReadTokens => Interlocked.Read(ref _read);

    /// <summary>
    /// A scorer for <paramref name="session"/> when its graph takes a KV cache of any length (past_key_values.{i}.key/value
    /// in, present.{i}.key/value out), else null: such a graph is scored from scratch.
    /// </summary>
    /// <exception cref="ModelLoadException">The graph has a KV cache but not the shapes or outputs this needs.</exception>
    public static IncrementalPrmScorer? TryCreate(InferenceSession session, ModelFolder folder, PrmPrompts prompts, int width, long cacheBytes)
    {
        var inputs = session.InputMetadata;
        var past = inputs.Keys.Where(k => k.StartsWith("past_key_values.", StringComparison.Ordinal)).ToArray();
        if (past.Length == 0)
        {
            return null;
        }

        if (inputs[past[0]].Dimensions is [_, _, > 0, _])
        {
            // A cache of fixed capacity (the fused layout, a generator used as a PRM) is not sliced per row.
            return null;
        }

        var missing = past.Select(n => "present." + n["past_key_values.".Length..]).Where(n => !session.OutputMetadata.ContainsKey(n)).ToList();
        int stateWidth = inputs.TryGetValue(StateInput, out var state) ? state.Dimensions[^1] : 0;
        if (missing.Count > 0 || stateWidth < 0 || (stateWidth > 0 && !session.OutputMetadata.ContainsKey(StatesOutput)))
        {
            throw new ModelLoadException($"ONNX file '{folder.OnnxFile}' takes a KV cache but lacks outputs for it ({string.Join(", ", missing.DefaultIfEmpty(StatesOutput))}), "
                + "or its prm_state has no fixed width.");
        }

        var (kvHeads, headDim) = folder.KvShape(inputs[past[0]].Dimensions);
        int heads = System.Math.Max(kvHeads, folder.ConfigInt("num_attention_heads", kvHeads));
        var cache = cacheBytes > 0 ? new PrefixCache(cacheBytes) : null;
        return new IncrementalPrmScorer(session, prompts, cache, [.. past.OrderBy(Layer).ThenBy(n => n.EndsWith(".value", StringComparison.Ordinal))], kvHeads, headDim, heads, width, stateWidth);
    }

    private static int Layer(string name) => int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Scores <paramref name="batch"/> on one thread, reusing and then caching prefixes.</summary>
    public StepScores[] Score(IReadOnlyList<PrmInput> batch)
    {
        var hits = Take(batch);
        var kept = new List<CachedPrefix>();
        try
        {
            return Score(batch, hits, kept);
        }
        finally
        {
            Release(hits);
            Keep(kept);
        }
    }

    /// <summary>
    /// Sub-batches run at once, with the same results every time: every sub-batch's cached prefixes are
    /// taken before any runs, and what they read is cached after all have run, in sub-batch order. Taken
    /// while another sub-batch adds, a row's hit (and so how its tokens are split between cache and
    /// model, which moves logits by about 1e-5) would depend on thread timing, and so would the cache's
    /// eviction order; a beam search then sometimes broke a near tie the other way.
    /// </summary>
    public StepScores[][] ScoreInParallel(IReadOnlyList<IReadOnlyList<PrmInput>> batches, int parallelism, CancellationToken cancellationToken)
    {
        var hits = batches.Select(Take).ToArray();
        var kept = batches.Select(_ => new List<CachedPrefix>()).ToArray();
        var results = new StepScores[batches.Count][];
        try
        {
            Parallel.For(
                0,
                batches.Count,
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                k => results[k] = Score(batches[k], hits[k], kept[k]));
            return results;
        }
        finally
        {
            Array.ForEach(hits, Release);
            Array.ForEach(kept, Keep);
        }
    }

    private (CachedPrefix Entry, int Length)?[] Take(IReadOnlyList<PrmInput> batch) => [.. batch.Select(x => _cache?.Find(x.Ids))];

    private static void Release((CachedPrefix Entry, int Length)?[] hits)
    {
        foreach (var hit in hits)
        {
            hit?.Entry.Release();
        }
    }

    private void Keep(List<CachedPrefix> kept) => kept.ForEach(e => _cache!.Add(e));

    private StepScores[] Score(IReadOnlyList<PrmInput> batch, (CachedPrefix Entry, int Length)?[] hits, List<CachedPrefix> kept) =>
        Score(batch, [.. hits.Select(h => h?.Entry)], [.. hits.Select(h => h?.Length ?? 0)], kept);

    /// <summary>Tokens of <paramref name="input"/> the cache cannot serve now (to order rows; takes nothing).</summary>
    public int Fresh(PrmInput input) => input.Ids.Length - (_cache?.Peek(input.Ids) ?? 0);

    /// <summary>Drops the cached solutions.</summary>
    public void Clear() => _cache?.Clear();

    private StepScores[] Score(IReadOnlyList<PrmInput> batch, CachedPrefix?[] entries, int[] cached, List<CachedPrefix> kept)
    {
        int b = batch.Count, p = cached.Max(), n = Enumerable.Range(0, b).Max(i => batch[i].Ids.Length - cached[i]);
        if (b > 1 && (long)b * _attentionHeads * n * (p + n) > MaxScores)
        {
            // Small calls: the arena keeps its peak, and large ones ran slower per token.
            int half = b / 2;
            return [.. Score([.. batch.Take(half)], entries[..half], cached[..half], kept), .. Score([.. batch.Skip(half)], entries[half..], cached[half..], kept)];
        }

        Interlocked.Add(ref _read, batch.Select((x, i) => (long)x.Ids.Length - cached[i]).Sum());
        int h = _kvHeads, d = _headDim;
        var ids = new long[b * n];
        var pos = new long[b * n];
        var mask = new long[b * (p + n)];
        var state = new float[b * _stateWidth];
        var owned = new List<OrtValue>();
        try
        {
            var past = _pastNames.Select(_ => KvBatch.Zeros(b, h, p, d)).ToArray();
            owned.AddRange(past);
            for (int i = 0; i < b; i++)
            {
                int c = cached[i], fresh = batch[i].Ids.Length - c;
                for (int j = 0; j < past.Length && c > 0; j++)
                {
                    entries[i]!.CopyKv(j, c, h, d, past[j].GetTensorMutableDataAsSpan<float>()[(((i * h * p) + p - c) * d)..], p * d);
                }

                if (c > 0 && _stateWidth > 0)
                {
                    entries[i]!.Extra(c - 1)[_width..].CopyTo(state.AsSpan(i * _stateWidth, _stateWidth));
                }

                Array.Fill(mask, 1L, (i * (p + n)) + p - c, c + fresh);
                for (int k = 0; k < fresh; k++)
                {
                    ids[(i * n) + k] = batch[i].Ids[c + k];
                    pos[(i * n) + k] = c + k;
                }
            }

            var names = new List<string> { "input_ids", "attention_mask" };
            owned.Add(OrtValue.CreateTensorValueFromMemory(ids, [b, n]));
            owned.Add(OrtValue.CreateTensorValueFromMemory(mask, [b, p + n]));
            if (_positionIds)
            {
                names.Add("position_ids");
                owned.Add(OrtValue.CreateTensorValueFromMemory(pos, [b, n]));
            }

            if (_stateWidth > 0)
            {
                names.Add(StateInput);
                owned.Add(OrtValue.CreateTensorValueFromMemory(state, [b, _stateWidth]));
            }

            names.AddRange(_pastNames);
            var values = owned.Skip(past.Length).Concat(past).ToList();
            using var options = new RunOptions();
            using var outputs = _session.Run(options, names, values, _outputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var result = new StepScores[b];
            for (int i = 0; i < b; i++)
            {
                var row = batch[i];
                int c = cached[i];
                var scores = new double[row.Positions.Length];
                for (int k = 0; k < scores.Length; k++)
                {
                    int at = row.Positions[k];
                    scores[k] = _prompts.StepScore(at < c ? entries[i]!.Extra(at)[.._width] : logits.Slice(((i * n) + at - c) * _width, _width));
                }

                result[i] = new StepScores(scores, row.Ids.Length, row.TruncatedSteps);
                if (_cache is not null)
                {
                    kept.Add(Keep(row, entries[i], c, i, n, p, outputs));
                }
            }

            return result;
        }
        finally
        {
            owned.ForEach(v => v.Dispose());
        }
    }

    /// <summary>
    /// Row <paramref name="i"/>'s whole solution as a cache entry: its own part (the tokens this call read)
    /// from this call's outputs, after the first <paramref name="c"/> tokens of the entry it reused.
    /// </summary>
    private CachedPrefix Keep(PrmInput row, CachedPrefix? entry, int c, int i, int n, int p, IDisposableReadOnlyCollection<OrtValue> outputs)
    {
        int h = _kvHeads, d = _headDim, fresh = row.Ids.Length - c;
        int presentsAt = _stateWidth > 0 ? 2 : 1;
        var kept = new CachedPrefix(row.Ids, _pastNames.Length, h * fresh * d, _width + _stateWidth, entry, c);
        for (int j = 0; j < _pastNames.Length; j++)
        {
            var present = outputs[presentsAt + j].GetTensorDataAsSpan<float>();
            var dst = kept.Kv(j);
            for (int head = 0; head < h; head++)
            {
                present.Slice((((i * h) + head) * (p + n) + p) * d, fresh * d).CopyTo(dst[(head * fresh * d)..]);
            }
        }

        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var states = _stateWidth > 0 ? outputs[1].GetTensorDataAsSpan<float>() : default;
        for (int k = 0; k < fresh; k++)
        {
            var slot = kept.Extra(c + k);
            logits.Slice(((i * n) + k) * _width, _width).CopyTo(slot);
            if (_stateWidth > 0)
            {
                states.Slice(((i * n) + k) * _stateWidth, _stateWidth).CopyTo(slot[_width..]);
            }
        }

        return kept;
    }
}
