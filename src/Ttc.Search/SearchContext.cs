using System.Diagnostics;

namespace Ttc.Search;

/// <summary>The generator and PRM that searches run against, and the one way a plan's inference is executed.</summary>
public sealed class SearchContext(IStepGenerator generator, IProcessRewardModel? prm)
{
    /// <summary>The step generator.</summary>
    public IStepGenerator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <summary>The PRM; null when only unscored strategies will run.</summary>
    public IProcessRewardModel? Prm { get; } = prm;

    /// <summary>Runs one batched generation call; the result has one entry per request and the seconds it took.</summary>
    public async Task<(IReadOnlyList<GeneratedStep> Results, double Seconds)> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return ([], 0);
        }

        long start = Stopwatch.GetTimestamp();
        var results = await Generator.GenerateAsync(requests, cancellationToken);
        if (results.Count != requests.Count)
        {
            throw new InvalidOperationException($"The generator returned {results.Count} results for {requests.Count} requests.");
        }

        return (results, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Runs one batched PRM call; the result has one entry per request and the seconds it took.</summary>
    /// <exception cref="InvalidOperationException">No PRM was given.</exception>
    public async Task<(IReadOnlyList<StepScores> Results, double Seconds)> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return ([], 0);
        }

        if (Prm is null)
        {
            throw new InvalidOperationException("This search needs a process reward model, and none was given.");
        }

        long start = Stopwatch.GetTimestamp();
        var results = await Prm.ScoreAsync(requests, cancellationToken);
        if (results.Count != requests.Count)
        {
            throw new InvalidOperationException($"The PRM returned {results.Count} results for {requests.Count} requests.");
        }

        return (results, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Answers one plan on its own (no batch shared with other searches).</summary>
    public async Task<SearchResponses> ExecuteAsync(SearchPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Generates)
        {
            var (results, seconds) = await GenerateAsync(plan.Generation, cancellationToken);
            return SearchResponses.Generated(results, seconds);
        }

        var (scores, scoreSeconds) = await ScoreAsync(plan.Scoring, cancellationToken);
        return SearchResponses.Scored(scores, scoreSeconds);
    }
}
