using System.Text.Json;
using Ttc.Inference;
using Ttc.Orchestrations;
using Ttc.Search;
using TtcFunctions.Apis;

namespace TtcFunctions;

/// <summary>Our settings: the "ttc" section of host.json (overridable with AzureFunctionsJobHost__ttc__...).</summary>
public sealed class HostSettings
{
    /// <summary>Generator model folder (relative paths are relative to host.json).</summary>
    public string Generator { get; set; } = "models/generator-small";

    /// <summary>PRM model folder.</summary>
    public string Prm { get; set; } = "models/prm";

    /// <summary>compute_optimal's policy file (relative to host.json), as <c>ttc fit-policy</c> writes it; without it compute_optimal is refused naming the field.</summary>
    public string Policy { get; set; } = "models/policy.json";

    /// <summary>
    /// The base of every compute_optimal request's settings: the policy file, read once at start-up by
    /// <see cref="LoadPolicy"/> (not a configuration key), so each job carries the table in its input.
    /// </summary>
    internal SearchConfig ComputeOptimalDefaults { get; private set; } = new();

    /// <summary>Reads <see cref="Policy"/> (resolved against <paramref name="baseFolder"/>) when the file exists.</summary>
    /// <exception cref="InvalidOperationException">The file is not a policy.</exception>
    public void LoadPolicy(string baseFolder)
    {
        var path = Resolve(Policy, baseFolder);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            ComputeOptimalDefaults = new SearchConfig { Policy = ComputeOptimalPolicy.FromJson(File.ReadAllText(path)) };
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Invalid host settings: ttc:policy: '{path}' is not a policy file: {ex.Message}", ex);
        }
    }

    /// <summary>ONNX Runtime execution provider: cpu, cuda or auto (see InferenceOptions.ExecutionProvider).</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>ONNX Runtime threads inside one operator; 0 chooses (see InferenceOptions.IntraOpThreads).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime threads across independent operators; 0 lets it choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Sub-batches of one batch run at the same time; 0 chooses from the core count (see InferenceOptions.DecodeParallelism).</summary>
    public int DecodeParallelism { get; set; }

    /// <summary>Most rows in one generator sub-batch; 0 chooses from the CPU's cache (see InferenceOptions.DecodeSubBatchRows).</summary>
    public int DecodeSubBatchRows { get; set; }

    /// <summary>Kernel of the fused layout's attention on the CPU: auto, ttc or onnxruntime (see InferenceOptions.AttentionKernel).</summary>
    public string AttentionKernel { get; set; } = "auto";

    /// <summary>KV cache positions per row for a fused generator whose graph leaves them open; 0 chooses (see InferenceOptions.KvCapacity).</summary>
    public int KvCapacity { get; set; }

    /// <summary>Largest n a request may ask for.</summary>
    public int MaxN { get; set; } = 256;

    /// <summary>Most completions one /v1/completions request may ask for: prompts x n (400 beyond it).</summary>
    public int MaxChoicesPerRequest { get; set; } = 256;

    /// <summary>Longest prompt or problem accepted, in characters.</summary>
    public int MaxPromptChars { get; set; } = 32_000;

    /// <summary>How long the PRM waits to fill a batch, in milliseconds (generator requests join the running batch at the next step instead).</summary>
    public int BatchWindowMs { get; set; } = 5;

    /// <summary>Most prompts in one inference batch (the generator's, split over its decode lanes).</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>Inference node for workers that do not run the models themselves (their roles lack "inference").</summary>
    public string? InferenceEndpoint { get; set; }

    /// <summary>Chat layout of the remote generator: llama3, qwen2 or ttc.</summary>
    public string ChatTemplate { get; set; } = "ttc";

    /// <summary>Solve sub-orchestrations one batch run keeps in flight.</summary>
    public int MaxConcurrentSolves { get; set; } = 8;

    /// <summary>The one container batch datasets are read from (the service's own containers never are).</summary>
    public string DatasetContainer { get; set; } = StorageNames.DefaultDatasetContainer;

    /// <summary>
    /// The address clients reach the API at, for the status URLs in responses ("https://ttc.example.com").
    /// Unset: the address this process listens on (never the request's Host header, which a client controls).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The queue whose messages start batch runs (the self-host's listener; the Functions trigger uses the default).</summary>
    public string BatchQueue { get; set; } = DurableNames.BatchQueue;

    /// <summary>How activities are retried (the durable engine's retry policy).</summary>
    public ActivityRetrySettings ActivityRetry { get; set; } = new();

    /// <summary>Problems with the settings, each naming its field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxN < 1)
        {
            errors.Add($"ttc:maxN must be at least 1 (got {MaxN})");
        }

        if (MaxChoicesPerRequest < 1)
        {
            errors.Add($"ttc:maxChoicesPerRequest must be at least 1 (got {MaxChoicesPerRequest})");
        }

        if (MaxPromptChars < 1)
        {
            errors.Add($"ttc:maxPromptChars must be at least 1 (got {MaxPromptChars})");
        }

        if (BatchWindowMs < 0)
        {
            errors.Add($"ttc:batchWindowMs must not be negative (got {BatchWindowMs})");
        }

        if (MaxConcurrentSolves < 1)
        {
            errors.Add($"ttc:maxConcurrentSolves must be at least 1 (got {MaxConcurrentSolves})");
        }

        if (!BlobNames.IsContainerName(DatasetContainer))
        {
            errors.Add($"ttc:datasetContainer must be a blob container name: 3-63 lowercase letters, digits and single hyphens (got '{DatasetContainer}')");
        }

        if (PublicBaseUrl is not null && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
        {
            errors.Add($"ttc:publicBaseUrl must be an absolute http(s) address (got '{PublicBaseUrl}')");
        }

        if (ActivityRetry.MaxAttempts < 1)
        {
            errors.Add($"ttc:activityRetry:maxAttempts must be at least 1 (got {ActivityRetry.MaxAttempts})");
        }

        if (!(ActivityRetry.FirstRetrySeconds >= 0))
        {
            errors.Add($"ttc:activityRetry:firstRetrySeconds must not be negative (got {ActivityRetry.FirstRetrySeconds})");
        }

        // The ONNX Runtime settings are checked where they are defined; here they get their section's prefix.
        errors.AddRange(ToInferenceOptions().Validate().Select(e => "ttc:" + e));
        return errors;
    }

    /// <summary>The ONNX Runtime settings of the generator and PRM this process serves.</summary>
    public InferenceOptions ToInferenceOptions() => new()
    {
        ExecutionProvider = ExecutionProvider,
        MaxBatchSize = MaxBatchSize,
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        DecodeParallelism = DecodeParallelism,
        DecodeSubBatchRows = DecodeSubBatchRows,
        AttentionKernel = AttentionKernel,
        KvCapacity = KvCapacity,
    };

    /// <summary>How the workflow runs its activities, as every job's input carries it.</summary>
    public WorkflowOptions Workflow() => new(MaxBatchSize, ActivityRetry.MaxAttempts, ActivityRetry.FirstRetrySeconds);

    /// <summary>Resolves a model path against the folder of host.json.</summary>
    public static string Resolve(string path, string baseFolder) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseFolder, path));
}

/// <summary>The ttc:activityRetry section.</summary>
public sealed class ActivityRetrySettings
{
    /// <summary>Attempts of an activity before its step fails (transient inference failures). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Seconds before the second attempt; each further wait doubles. Default 1.</summary>
    public double FirstRetrySeconds { get; set; } = 1;
}
