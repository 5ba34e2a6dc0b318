namespace Ttc.Inference;

/// <summary>Settings of the ONNX Runtime backends. Validated at start-up; messages name the field.</summary>
public sealed class InferenceOptions
{
    /// <summary>
    /// "cpu" (default), "cuda" (needs the GPU build, -p:OnnxRuntimeFlavor=gpu, and CUDA on the machine; fails
    /// at start naming what is missing) or "auto" (CUDA when it loads, else the CPU; see <see cref="Onnx.ExecutionProviders.Resolve"/>).
    /// </summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>GPU index for "cuda".</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// Threads inside one operator. 0 (the default) chooses: on CPU one thread, since every sub-batch
    /// (see <see cref="DecodeParallelism"/>) runs on its own core; on CUDA ONNX Runtime's own choice.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Most sequences decoded together in one batch. Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// Sub-batches of one batch decoded (or, for the PRM, scored) at the same time, each on its own
    /// thread. 0 (the default) chooses: on CPU one per core, on CUDA 1. Measured on 2 cores (`ttc bench
    /// inference`, `ttc bench search`): one intra-op thread per sub-batch beat one batch on ONNX Runtime's
    /// default threads at every batch size, and the default threads collapsed when other processes
    /// shared the cores (Best-of-N over 16 problems at once ran 0.86x as fast as one at a time, against
    /// 2.75x with sub-batches).
    /// </summary>
    public int DecodeParallelism { get; set; }

    /// <summary>
    /// Most rows one thread decodes at a time (its sub-batch); rows still waiting take the places of
    /// finished ones between decode steps. The service's decode lanes (continuous batching) hold at most
    /// this many rows each too. 0 (the default) chooses on the CPU from the last-level cache: for
    /// a model whose weights fit in a quarter of it, as many rows (at least 16) as keep the KV of the
    /// sub-batches running at once within half of it, since every decode step rereads each row's whole
    /// cache, evened out over the rounds a thread's share then takes; otherwise, and on CUDA, an even
    /// share of the batch per sub-batch. Measured on 2 cores with the large generator at batch 64
    /// (README): 26 rows fit there, and the rule runs 16 at a time (the other 16 joining as rows finish),
    /// 1.10-1.15x faster than 26 at a time and 1.18x than 32 when every row writes 128 tokens.
    /// </summary>
    public int DecodeSubBatchRows { get; set; }

    /// <summary>
    /// Memory for cached prefixes (KV tensors of recent prompts), in MiB, for each model: the generator's
    /// prompts, and a PRM with a KV cache its scored solutions. 0 turns the caches off. Default 64: a beam
    /// search at n = 64 on the shipped models served 98% of its prompt tokens from the cache at 64 MiB, as
    /// at 256, and a cache only needs to hold about one round of a batch's sequences.
    /// </summary>
    public int PrefixCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// When set, ONNX Runtime profiles every node of every run and writes a Chrome trace (JSON) named after
    /// this prefix when the session closes. For measuring where a run's time goes (e.g. how much of a
    /// decode step copies the KV cache), never for serving: it slows every call.
    /// </summary>
    public string? ProfilePrefix { get; set; }

    /// <summary>
    /// Which kernel runs the fused layout's attention (com.microsoft.GroupQueryAttention) on the CPU: "auto"
    /// (default) ours where it was built (libttc_attention.so beside the app: Linux with g++ at build time),
    /// else ONNX Runtime's; "ttc" ours, failing at start when it is absent or the provider is not the CPU;
    /// "onnxruntime" ONNX Runtime's. A model using what ours does not implement (softcap, a local window,
    /// attention bias...) gets ONNX Runtime's under "auto". Measured by `ttc bench inference`.
    /// </summary>
    public string AttentionKernel { get; set; } = "auto";

    /// <summary>
    /// Positions per row of the KV cache of a fused-layout generator whose graph leaves the capacity open
    /// (ONNX Runtime GenAI's model builder writes them so: past [batch, heads, past_sequence_length, head]).
    /// 0 (the default) chooses the model's max_position_embeddings, at most 4096; larger values are capped at
    /// max_position_embeddings. Sequences stop by length at the capacity. Graphs of fixed capacity (the
    /// shipped generators: 512) keep theirs.
    /// </summary>
    public int KvCapacity { get; set; }

    /// <summary>Intra-op threads to ask ONNX Runtime for (0: its own choice).</summary>
    public int ResolvedIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : OnCpu ? 1 : 0;

    /// <summary>Sub-batches run at once.</summary>
    public int ResolvedDecodeParallelism => DecodeParallelism > 0 ? DecodeParallelism : OnCpu ? Environment.ProcessorCount : 1;

    /// <summary>Whether the provider resolves to the CPU.</summary>
    internal bool OnCpu => Onnx.ExecutionProviders.Resolve(this).Provider == "cpu";

    /// <summary>Problems with the settings, as "field: message" strings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ExecutionProvider is not ("cpu" or "cuda" or "auto"))
        {
            errors.Add($"executionProvider: must be 'cpu', 'cuda' or 'auto' (got '{ExecutionProvider}')");
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

        if (DecodeParallelism < 0)
        {
            errors.Add($"decodeParallelism: must not be negative (got {DecodeParallelism}); 0 chooses from the core count");
        }

        if (DecodeSubBatchRows < 0)
        {
            errors.Add($"decodeSubBatchRows: must not be negative (got {DecodeSubBatchRows}); 0 chooses from the CPU's cache");
        }

        if (AttentionKernel is not ("auto" or "ttc" or "onnxruntime"))
        {
            errors.Add($"attentionKernel: must be 'auto', 'ttc' or 'onnxruntime' (got '{AttentionKernel}')");
        }
        else if (AttentionKernel == "ttc" && Onnx.AttentionKernel.Path is null)
        {
            errors.Add($"attentionKernel: 'ttc' needs {Onnx.AttentionKernel.FileName} beside the app, which is built on Linux when g++ is installed; it is not in {AppContext.BaseDirectory}");
        }
        else if (AttentionKernel == "ttc" && ExecutionProvider != "cpu")
        {
            errors.Add($"attentionKernel: 'ttc' runs on the CPU provider only (executionProvider is '{ExecutionProvider}')");
        }

        if (KvCapacity < 0)
        {
            errors.Add($"kvCapacity: must not be negative (got {KvCapacity}); 0 chooses from the model");
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
