namespace Ttc.Search.Decorators;

/// <summary>Remembers PRM scores by (problem, steps): scoring is deterministic, so a repeat is free.</summary>
public sealed class CachingProcessRewardModel(IProcessRewardModel inner, int capacity = 100_000) : IProcessRewardModel
{
    private readonly BoundedCache<string, StepScores> _cache = new(capacity);

    /// <summary>Requests answered from memory.</summary>
    public long Hits => _cache.Hits;

    /// <inheritdoc />
    public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return _cache.GetOrComputeAsync(requests, r => r.Problem + "\u0000" + string.Join("\u0001", r.Steps), missing => inner.ScoreAsync(missing, cancellationToken));
    }
}
