using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The generator on ONNX Runtime: batched decoding with a KV cache, per-request seeds, stop at
/// the step separator or end-of-sequence, and a bounded cache of recent prefixes so continuing a
/// beam does not recompute its prompt. Serves raw prompts (<see cref="CompleteAsync"/>) and the
/// search's step requests (<see cref="GenerateAsync"/>, rendered with the model's chat template).
/// A prompt that leaves no room in the context (or has no tokens) is not decoded: it comes back
/// empty with <see cref="StopReason.Length"/>, as a row that reaches the context mid-decode does,
/// so one long beam never fails the batch it shares.
/// </summary>
public sealed class OnnxStepGenerator : IStepGenerator, ITextCompletionModel, IModelLimits, IDisposable
{
    private readonly DecoderModel _model;
    private readonly InferenceOptions _options;
    private readonly PrefixCache? _cache;
    private readonly string? _systemPrompt;

    /// <summary>Wraps an opened model.</summary>
    /// <param name="model">The decoder (disposed with this generator).</param>
    /// <param name="options">Batch size and prefix cache settings.</param>
    /// <param name="systemPrompt">System turn for chat models; defaults to search-and-learn's prompt.</param>
    public OnnxStepGenerator(DecoderModel model, InferenceOptions options, string? systemPrompt = ChatTemplate.ReferenceSystemPrompt)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        _cache = options.PrefixCacheMegabytes > 0 ? new PrefixCache(options.PrefixCacheMegabytes * 1024L * 1024L) : null;
        _systemPrompt = systemPrompt;
    }

    /// <summary>Opens the model folder at <paramref name="folder"/>.</summary>
    public static OnnxStepGenerator Open(string folder, InferenceOptions options) => new(DecoderModel.Open(folder, options), options);

    /// <summary>The model.</summary>
    public DecoderModel Model => _model;

    /// <summary>The validated settings it was opened with.</summary>
    internal InferenceOptions Options => _options;

    /// <summary>The prefix cache (null when turned off).</summary>
    internal PrefixCache? Cache => _cache;

    /// <summary>The system turn step requests are rendered with.</summary>
    public string? SystemPrompt => _systemPrompt;

    /// <inheritdoc />
    public string ModelId => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(_model.Folder.Path));

    /// <inheritdoc />
    public int ContextLength => _model.MaxPositions;

    /// <inheritdoc />
    public int CountTokens(string prompt) => _model.Folder.Tokenizer.Encode(prompt ?? throw new ArgumentNullException(nameof(prompt))).Count;

    /// <summary>Prefill and decode counters.</summary>
    public InferenceStats Stats { get; } = new();

    /// <summary>Prompt tokens that were served from the prefix cache instead of recomputed.</summary>
    public long CachedPromptTokens => _cache?.HitTokens ?? 0;

    /// <inheritdoc />
    public ChatTemplate Template => _model.Folder.Template;

    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return CompleteAsync(requests.Select(r => new PromptRequest(Template.Render(_systemPrompt, r.Problem, r.Prefix), r.StopSequence, r.Sampling)).ToList(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return Task.Run<IReadOnlyList<GeneratedStep>>(() => Generate(requests, cancellationToken), cancellationToken);
    }

    private List<GeneratedStep> Generate(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken)
    {
        var rows = requests.Select(Row).ToList();
        try
        {
            Decode(rows, cancellationToken);
        }
        finally
        {
            // Rows that never reached their prefill (an error, cancellation) still hold cached prefixes.
            rows.ForEach(r => r.ReleaseCache());
        }

        return rows.Select(Result).ToList();
    }

    /// <summary>What a row produced (a row that never ran stopped by length).</summary>
    internal static GeneratedStep Result(DecodeRow row) => new(row.Text, row.Stop ?? StopReason.Length, row.Prompt.Length, row.Sampled.Count);

    private void Decode(List<DecodeRow> rows, CancellationToken cancellationToken)
    {
        // Similar lengths share a batch, so little is padded; rows that cannot run are already done.
        var order = Enumerable.Range(0, rows.Count).Where(i => !rows[i].Done).OrderBy(i => rows[i].Prompt.Length - rows[i].Cached).ToList();
        foreach (var chunk in order.Chunk(_options.MaxBatchSize))
        {
            // Cached prefixes are taken per batch, so rows waiting for a later batch hold none.
            Array.ForEach(chunk, i => TakeCached(rows[i]));
            int shards = System.Math.Min(_options.ResolvedDecodeParallelism, chunk.Length);
            var batch = chunk.Select(i => rows[i]).ToList();
            int maxRows = MaxSubBatchRows(batch, shards);
            // Finished rows' KV goes into the cache once the whole chunk is done, in row order: added as
            // sub-batches finish, the cache's eviction order, and so later hits and the logits of rows that
            // reuse them (which move by about 1e-5 with the split), would depend on thread timing.
            var finished = _cache is null ? null : new ConcurrentDictionary<DecodeRow, CachedPrefix>(ReferenceEqualityComparer.Instance);
            Action<DecodeRow, CachedPrefix>? keep = finished is null ? null : (row, entry) => finished[row] = entry;
            try
            {
                if (shards == 1 && maxRows >= chunk.Length)
                {
                    BatchDecoder.Run(_model, batch, keep, Stats, cancellationToken);
                    continue;
                }

                // Each thread starts on the next contiguous slice of the length-sorted chunk, so a sub-batch
                // stays evenly padded, and rows still waiting take the places of its finished rows between
                // steps: no sub-batch waits for another's longest row, and the rows a thread holds stay few
                // enough for their KV to stay in the CPU's cache.
                var waiting = new Queue<DecodeRow>(batch);
                List<DecodeRow> Take(int count)
                {
                    lock (waiting)
                    {
                        var taken = new List<DecodeRow>(System.Math.Min(count, waiting.Count));
                        while (taken.Count < count && waiting.Count > 0)
                        {
                            taken.Add(waiting.Dequeue());
                        }

                        return taken;
                    }
                }

                int size = System.Math.Min(maxRows, (chunk.Length + shards - 1) / shards);
                Parallel.For(
                    0,
                    shards,
                    new ParallelOptions { MaxDegreeOfParallelism = shards, CancellationToken = cancellationToken },
                    _ =>
                    {
                        var first = Take(size);
                        if (first.Count > 0)
                        {
                            BatchDecoder.Run(_model, first, keep, Stats, cancellationToken, Take, size);
                        }
                    });
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
            {
                // Callers see the same exception as from the one-batch path.
                ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            }
            finally
            {
                if (finished is not null)
                {
                    foreach (var row in batch)
                    {
                        if (finished.TryRemove(row, out var entry))
                        {
                            _cache!.Add(entry);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Most rows in one sub-batch of <paramref name="chunk"/> (see <see cref="SubBatches.MaxRows"/>).</summary>
    private int MaxSubBatchRows(List<DecodeRow> chunk, int shards) =>
        MaxSubBatchRows(chunk.Count, shards, chunk.Max(r => System.Math.Min((long)r.Prompt.Length + r.Request.Sampling.MaxTokens, _model.MaxPositions)));

    /// <summary>Most rows in one of <paramref name="shards"/> sub-batches of <paramref name="rows"/> rows that may grow to <paramref name="positions"/> positions.</summary>
    internal int MaxSubBatchRows(int rows, int shards, long positions)
    {
        long? cache = _options.OnCpu ? CpuCache.LastLevelBytes : null;
        return SubBatches.MaxRows(rows, shards, _options.DecodeSubBatchRows, positions * _model.KvBytesPerToken, _model.WeightBytes, cache);
    }

    /// <summary>Takes the row's cached prefix (a reference, released once its prefill has copied it).</summary>
    internal void TakeCached(DecodeRow row)
    {
        var hit = _cache?.Find(row.Prompt);
        row.CacheEntry = hit?.Entry;
        row.Cached = hit?.Length ?? 0;
    }

    /// <summary>The row of a request: tokenized, already stopped when it cannot run, its cache hit peeked.</summary>
    internal DecodeRow Row(PromptRequest request)
    {
        var prompt = _model.Folder.Tokenizer.Encode(request.Prompt).ToArray();
        var row = new DecodeRow(prompt, request);
        if (prompt.Length == 0 || prompt.Length >= _model.MaxPositions)
        {
            // No room for a token (or nothing to condition on): stopped by length before the first token.
            row.Stop = StopReason.Length;
            return row;
        }

        // Only a hint for ordering: the prefix is taken when the row's batch starts (TakeCached).
        row.Cached = _cache?.Peek(prompt) ?? 0;
        return row;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cache?.Clear();
        _model.Dispose();
    }
}
