namespace Ttc.Inference;

/// <summary>Settings of the ONNX Runtime backends. Validated at start-up; messages name the field.</summary>
public sealed class InferenceOptions
{
    /// <summary>"cpu" (default) or "cuda" (needs the Microsoft.ML.OnnxRuntime.Gpu native package).</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>GPU index for "cuda".</summary>
    public int DeviceId { get; set; }

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Most sequences decoded together in one batch. Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// Sub-batches of one batch decoded at the same time, each on its own thread. At a large batch a
    /// small model's decode step appears to be mostly memory traffic (the graph concatenates past and new keys
    /// and values every step); measured on 2 cores, two half batches of 64 with one intra-op thread
    /// each decoded 1.25-1.46x faster than one batch on two threads (`ttc bench inference`). Default 1.
    /// </summary>
    public int DecodeParallelism { get; set; } = 1;

    /// <summary>Memory for cached prefixes (KV tensors of recent prompts), in MiB. 0 turns the cache off. Default 256.</summary>
    public int PrefixCacheMegabytes { get; set; } = 256;

    /// <summary>Problems with the settings, as "field: message" strings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ExecutionProvider is not ("cpu" or "cuda"))
        {
            errors.Add($"executionProvider: must be 'cpu' or 'cuda' (got '{ExecutionProvider}')");
        }

        if (DeviceId < 0)
        {
            errors.Add($"deviceId: must not be negative (got {DeviceId})");
        }

        if (IntraOpThreads < 0)
        {
            errors.Add($"intraOpThreads: must not be negative (got {IntraOpThreads})");
        }

        if (InterOpThreads < 0)
        {
            errors.Add($"interOpThreads: must not be negative (got {InterOpThreads})");
        }

        if (MaxBatchSize < 1)
        {
            errors.Add($"maxBatchSize: must be at least 1 (got {MaxBatchSize})");
        }

        if (DecodeParallelism < 1)
        {
            errors.Add($"decodeParallelism: must be at least 1 (got {DecodeParallelism})");
        }

        if (PrefixCacheMegabytes < 0)
        {
            errors.Add($"prefixCacheMegabytes: must not be negative (got {PrefixCacheMegabytes})");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid field.</summary>
    public InferenceOptions EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ArgumentException("Invalid inference options: " + string.Join("; ", errors));
    }
}
