using Ttc.Search;

namespace Ttc.Inference;

/// <summary>A PRM whose calls from concurrent callers (many jobs' score phases) are merged into shared batches.</summary>
public sealed class BatchingProcessRewardModel : IProcessRewardModel, IAsyncDisposable
{
    private readonly DynamicBatcher<ScoreRequest, StepScores> _batcher;

    /// <summary>Wraps <paramref name="inner"/>; a batch closes after <paramref name="window"/> or at <paramref name="maxBatch"/> solutions.</summary>
    public BatchingProcessRewardModel(IProcessRewardModel inner, TimeSpan window, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _batcher = new DynamicBatcher<ScoreRequest, StepScores>(inner.ScoreAsync, window, maxBatch);
    }

    /// <summary>Inner calls made so far.</summary>
    public long Batches => _batcher.Batches;

    /// <summary>Solutions scored so far.</summary>
    public long Requests => _batcher.Requests;

    /// <inheritdoc />
    public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default) =>
        _batcher.RunAsync(requests, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
