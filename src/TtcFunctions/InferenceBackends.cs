using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace TtcFunctions;

/// <summary>
/// The models this process serves, opened once at start-up and shared by all requests: the generator
/// behind continuous batching (requests join the running decode batch between steps and leave it when
/// they stop), the PRM behind dynamic batching (calls within a short window share one batch).
/// </summary>
public sealed partial class InferenceBackends : IAsyncDisposable
{
    private readonly OnnxStepGenerator _onnx;
    private readonly OnnxProcessRewardModel _onnxPrm;
    private readonly ContinuousCompletionModel _continuous;
    private readonly BatchingProcessRewardModel _prm;

    /// <summary>Opens the generator and PRM named by <paramref name="settings"/>, logging the execution provider chosen.</summary>
    public InferenceBackends(HostSettings settings, string baseFolder, ILogger<InferenceBackends> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.ToInferenceOptions();
        var (provider, reason) = ExecutionProviders.Resolve(options);
        ProviderChosen(logger, settings.ExecutionProvider, provider, reason ?? "as configured", options.ResolvedIntraOpThreads, options.ResolvedDecodeParallelism);
        _onnx = OnnxStepGenerator.Open(HostSettings.Resolve(settings.Generator, baseFolder), options);
        _continuous = new ContinuousCompletionModel(_onnx);
        _onnxPrm = OnnxProcessRewardModel.Open(HostSettings.Resolve(settings.Prm, baseFolder), options);
        _prm = new BatchingProcessRewardModel(_onnxPrm, TimeSpan.FromMilliseconds(settings.BatchWindowMs), settings.MaxBatchSize);
    }

    /// <summary>The generator, behind continuous batching across requests and jobs.</summary>
    public ITextCompletionModel Generator => _continuous;

    /// <summary>The generator's continuous batching (its name and context, and counters of how many rows its steps decoded together).</summary>
    public ContinuousCompletionModel Continuous => _continuous;

    /// <summary>The PRM, behind dynamic batching across requests and jobs.</summary>
    public IProcessRewardModel Prm => _prm;

    /// <summary>The PRM's batching layer.</summary>
    public BatchingProcessRewardModel PrmBatching => _prm;

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Inference: executionProvider {Configured} runs on {Provider} ({Reason}); {Threads} intra-op thread(s) per sub-batch, {SubBatches} sub-batch(es) at once")]
    private static partial void ProviderChosen(ILogger logger, string configured, string provider, string reason, int threads, int subBatches);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _continuous.Dispose();
        await _prm.DisposeAsync();
        _onnx.Dispose();
        _onnxPrm.Dispose();
    }
}
