using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// A PRM on ONNX Runtime: a batch of solutions is one call; per-step scores in [0, 1]. An input
/// longer than the model's positions (config.json's max_position_embeddings) is cut there: the steps
/// that fit are scored and the others are reported in <see cref="StepScores.TruncatedSteps"/>, never
/// scored at positions the model does not support. A graph with a KV cache is scored incrementally
/// (<see cref="IncrementalPrmScorer"/>): a solution scored before costs only its new tokens.
/// </summary>
public sealed class OnnxProcessRewardModel : IProcessRewardModel, IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelFolder _folder;
    private readonly PrmPrompts _prompts;
    private readonly int _maxBatch;
    private readonly int _parallelism;
    private readonly int _heads;
    private readonly IncrementalPrmScorer? _incremental;

    private OnnxProcessRewardModel(InferenceSession session, ModelFolder folder, PrmPrompts prompts, int maxBatch, int parallelism, IncrementalPrmScorer? incremental)
    {
        _incremental = incremental;
        _heads = System.Math.Max(1, folder.ConfigInt("num_attention_heads", 1));
        _session = session;
        _folder = folder;
        _prompts = prompts;
        _maxBatch = maxBatch;
        _parallelism = parallelism;
    }

    /// <summary>The convention in use.</summary>
    public PrmConvention Convention => _prompts.Convention;

    /// <summary>The model folder (tokenizer, template, config).</summary>
    public ModelFolder Folder => _folder;

    /// <summary>Longest input the PRM reads, in tokens.</summary>
    public int MaxPositions => _folder.MaxPositions;

    internal PrmPrompts Prompts => _prompts;

    /// <summary>Whether the graph has a KV cache, so solutions scored before cost only their new tokens.</summary>
    public bool IsIncremental => _incremental is not null;

    /// <summary>
    /// Tokens run through the model by incremental scoring so far (0 for a graph scored from scratch, whose
    /// reads are the requests' tokens): below the requests' tokens by what the cache served.
    /// </summary>
    public long ReadTokens => _incremental?.ReadTokens ?? 0;

    /// <summary>Opens a PRM folder. Convention and step tag come from config.json's "prm" section unless given.</summary>
    /// <exception cref="ModelLoadException">Files are missing, or the graph is not in float32 with int64 ids, or its outputs do not fit the convention.</exception>
    public static OnnxProcessRewardModel Open(string folderPath, InferenceOptions options, PrmConvention? convention = null, string? stepTag = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = ModelFolder.Open(folderPath);
        var session = OnnxSessionFactory.Create(folder.OnnxFile, options);
        try
        {
            var prompts = PrmPrompts.Create(folder, convention, stepTag);
            if (!session.OutputMetadata.TryGetValue("logits", out var logits))
            {
                throw new ModelLoadException($"ONNX file '{folder.OnnxFile}' has no 'logits' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)}).");
            }

            TensorTypes.Require(session, folder.OnnxFile);
            int width = logits.Dimensions[^1];
            if (prompts.Convention == PrmConvention.StepTagTwoClass && width != 2)
            {
                throw new ModelLoadException($"ONNX file '{folder.OnnxFile}': the step-tag PRM convention needs a 2-class head, but logits have width {width}.");
            }

            options.EnsureValid();
            var incremental = IncrementalPrmScorer.TryCreate(session, folder, prompts, width, options.PrefixCacheMegabytes * 1024L * 1024L);
            return new OnnxProcessRewardModel(session, folder, prompts, options.MaxBatchSize, options.ResolvedDecodeParallelism, incremental);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return Task.Run<IReadOnlyList<StepScores>>(
            () =>
            {
                var encoded = requests.Select(r => _prompts.Encode(r).Fit(_folder.MaxPositions)).ToList();
                var results = new StepScores[requests.Count];
                _incremental?.Seed(encoded);
                // Similar lengths share a sub-batch; incrementally, the lengths still to read.
                var order = Enumerable.Range(0, requests.Count).OrderBy(i => _incremental?.Fresh(encoded[i]) ?? encoded[i].Ids.Length).ToList();
                // Like the generator's sub-batches: with decodeParallelism > 1, slices of similar length run at once, each on its own thread.
                int size = System.Math.Min(_maxBatch, System.Math.Max(1, (order.Count + _parallelism - 1) / _parallelism));
                var chunks = order.Chunk(size).ToList();
                try
                {
                    var rows = chunks.Select(c => (IReadOnlyList<PrmInput>)[.. c.Select(i => encoded[i])]).ToList();
                    var scored = _incremental?.ScoreInParallel(rows, _parallelism, cancellationToken) ?? ScoreInParallel(rows, cancellationToken);
                    for (int j = 0; j < chunks.Count; j++)
                    {
                        for (int k = 0; k < chunks[j].Length; k++)
                        {
                            results[chunks[j][k]] = scored[j][k];
                        }
                    }
                }
                catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
                {
                    // Callers see the same exception as from one batch.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
                }

                return results;
            },
            cancellationToken);
    }

    /// <summary>The whole-sequence layout's sub-batches, at once (nothing is cached, so nothing depends on their timing).</summary>
    private StepScores[][] ScoreInParallel(List<IReadOnlyList<PrmInput>> batches, CancellationToken cancellationToken)
    {
        var results = new StepScores[batches.Count][];
        Parallel.For(0, batches.Count, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, k => results[k] = Score([.. batches[k]]));
        return results;
    }

    private StepScores[] Score(List<PrmInput> batch)
    {
        int b = batch.Count, t = batch.Max(x => x.Ids.Length);
        // Bounded attention per call (rows x heads x t x t scores): ONNX Runtime's arena keeps its peak.
        int rows = (int)System.Math.Clamp(KvBatch.MaxPrefillScores / ((long)_heads * t * t), 1, b);
        if (rows < b)
        {
            return [.. batch.Chunk(rows).SelectMany(c => Score([.. c]))];
        }

        var ids = new long[b * t];
        var mask = new long[b * t];
        var pos = new long[b * t];
        for (int i = 0; i < b; i++)
        {
            for (int k = 0; k < batch[i].Ids.Length; k++)
            {
                ids[(i * t) + k] = batch[i].Ids[k];
                mask[(i * t) + k] = 1;
                pos[(i * t) + k] = k;
            }
        }

        var inputs = _session.InputMetadata;
        var owned = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, [b, t]),
            OrtValue.CreateTensorValueFromMemory(mask, [b, t]),
        };
        var names = new List<string> { "input_ids", "attention_mask" };
        if (inputs.ContainsKey("position_ids"))
        {
            names.Add("position_ids");
            owned.Add(OrtValue.CreateTensorValueFromMemory(pos, [b, t]));
        }

        // A causal LM with a KV cache of fixed capacity (the fused layout; others are scored incrementally)
        // takes an empty past: a cache of that capacity, which a first prompt (rows right padded, as here)
        // only writes, so it is left unset.
        foreach (var (name, meta) in inputs.Where(p => p.Key.StartsWith("past_key_values.", StringComparison.Ordinal)))
        {
            names.Add(name);
            var d = meta.Dimensions;
            owned.Add(d[2] > 0
                ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [b, d[1], d[2], d[3]])
                : OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [b, d[1], 0, d[3]]));
        }

        try
        {
            using var options = new RunOptions();
            using var outputs = _session.Run(options, names, owned, ["logits"]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            int width = (int)(logits.Length / ((long)b * t));
            var result = new StepScores[b];
            for (int i = 0; i < b; i++)
            {
                var scores = new double[batch[i].Positions.Length];
                for (int k = 0; k < scores.Length; k++)
                {
                    scores[k] = _prompts.StepScore(logits.Slice(((i * t) + batch[i].Positions[k]) * width, width));
                }

                result[i] = new StepScores(scores, batch[i].Ids.Length, batch[i].TruncatedSteps);
            }

            return result;
        }
        finally
        {
            foreach (var v in owned)
            {
                v.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _incremental?.Clear();
        _session.Dispose();
    }
}
