using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace TtcFunctions;

/// <summary>The models this process serves, opened once at start-up and shared by all requests, each behind dynamic batching.</summary>
public sealed partial class InferenceBackends : IAsyncDisposable
{
    private readonly OnnxStepGenerator _onnx;
    private readonly OnnxProcessRewardModel _onnxPrm;
    private readonly BatchingCompletionModel _batching;
    private readonly BatchingProcessRewardModel _prm;

    /// <summary>Opens the generator and PRM named by <paramref name="settings"/>, logging the execution provider chosen.</summary>
    public InferenceBackends(HostSettings settings, string baseFolder, ILogger<InferenceBackends> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.ToInferenceOptions();
        var (provider, reason) = ExecutionProviders.Resolve(options);
        ProviderChosen(logger, settings.ExecutionProvider, provider, reason ?? "as configured", options.ResolvedIntraOpThreads, options.ResolvedDecodeParallelism);
        var window = TimeSpan.FromMilliseconds(settings.BatchWindowMs);
        _onnx = OnnxStepGenerator.Open(HostSettings.Resolve(settings.Generator, baseFolder), options);
        _batching = new BatchingCompletionModel(_onnx, window, settings.MaxBatchSize);
        _onnxPrm = OnnxProcessRewardModel.Open(HostSettings.Resolve(settings.Prm, baseFolder), options);
        _prm = new BatchingProcessRewardModel(_onnxPrm, window, settings.MaxBatchSize);
    }

    /// <summary>The generator, behind dynamic batching across requests and jobs.</summary>
    public ITextCompletionModel Generator => _batching;

    /// <summary>The generator's batching layer (its counters show how well requests were merged).</summary>
    public BatchingCompletionModel Batching => _batching;

    /// <summary>The PRM, behind dynamic batching across requests and jobs.</summary>
    public IProcessRewardModel Prm => _prm;

    /// <summary>The PRM's batching layer.</summary>
    public BatchingProcessRewardModel PrmBatching => _prm;

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Inference: executionProvider {Configured} runs on {Provider} ({Reason}); {Threads} intra-op thread(s) per sub-batch, {SubBatches} sub-batch(es) at once")]
    private static partial void ProviderChosen(ILogger logger, string configured, string provider, string reason, int threads, int subBatches);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _batching.DisposeAsync();
        await _prm.DisposeAsync();
        _onnx.Dispose();
        _onnxPrm.Dispose();
    }
}
