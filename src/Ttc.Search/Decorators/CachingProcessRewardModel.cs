namespace Ttc.Search.Decorators;

/// <summary>Remembers PRM scores by (problem, steps): scoring is deterministic, so a repeat is free.</summary>
public sealed class CachingProcessRewardModel(IProcessRewardModel inner, int capacity = 100_000) : IProcessRewardModel
{
    private readonly BoundedCache<string, StepScores> _cache = new(capacity);

    /// <summary>Requests answered from memory.</summary>
    public long Hits => _cache.Hits;

    /// <inheritdoc />
    public async Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var keys = requests.Select(r => r.Problem + "\u0000" + string.Join("\u0001", r.Steps)).ToList();
        var results = new StepScores?[requests.Count];
        var missing = new List<int>();
        for (int i = 0; i < requests.Count; i++)
        {
            if (_cache.TryGet(keys[i], out var hit))
            {
                results[i] = hit;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var fresh = await inner.ScoreAsync(missing.Select(i => requests[i]).ToList(), cancellationToken);
            for (int k = 0; k < missing.Count; k++)
            {
                results[missing[k]] = fresh[k];
                _cache.Add(keys[missing[k]], fresh[k]);
            }
        }

        return results!;
    }
}
