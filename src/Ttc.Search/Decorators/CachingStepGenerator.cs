namespace Ttc.Search.Decorators;

/// <summary>
/// Remembers generations by request. Generation is a function of the request (its seed included),
/// so a repeated request (the same sample drawn by majority voting, Best-of-N and weighted Best-of-N,
/// or the first k of n samples) is answered from memory. Results keep their token counts, so the
/// compute a search reports is what it asked for, not what this process spent.
/// </summary>
public sealed class CachingStepGenerator(IStepGenerator inner, int capacity = 100_000) : IStepGenerator
{
    private readonly BoundedCache<StepRequest, GeneratedStep> _cache = new(capacity);

    /// <summary>Requests answered from memory.</summary>
    public long Hits => _cache.Hits;

    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return _cache.GetOrComputeAsync(requests, r => r, missing => inner.GenerateAsync(missing, cancellationToken));
    }
}
