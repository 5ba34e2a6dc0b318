using Ttc.Inference;
using Ttc.Inference.Onnx;

namespace TtcFunctions;

/// <summary>The models this process serves, opened once at start-up and shared by all requests.</summary>
public sealed class InferenceBackends : IAsyncDisposable
{
    private readonly OnnxStepGenerator _onnx;
    private readonly BatchingCompletionModel _batching;

    /// <summary>Opens the generator and PRM named by <paramref name="settings"/>.</summary>
    public InferenceBackends(HostSettings settings, string baseFolder)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.ToInferenceOptions();
        _onnx = OnnxStepGenerator.Open(HostSettings.Resolve(settings.Generator, baseFolder), options);
        _batching = new BatchingCompletionModel(_onnx, TimeSpan.FromMilliseconds(settings.BatchWindowMs), settings.MaxBatchSize);
        Prm = OnnxProcessRewardModel.Open(HostSettings.Resolve(settings.Prm, baseFolder), options);
    }

    /// <summary>The generator, behind dynamic batching across requests and jobs.</summary>
    public ITextCompletionModel Generator => _batching;

    /// <summary>The batching layer (its counters show how well requests were merged).</summary>
    public BatchingCompletionModel Batching => _batching;

    /// <summary>The PRM.</summary>
    public OnnxProcessRewardModel Prm { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _batching.DisposeAsync();
        _onnx.Dispose();
        Prm.Dispose();
    }
}
