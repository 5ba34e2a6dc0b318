using Ttc.Math;

namespace Ttc.Search;

/// <summary>
/// A test-time-compute strategy, written as a resumable step function: <see cref="Start"/> makes the
/// initial state, <see cref="StepAsync"/> advances it by one search iteration (one batched generator
/// call and one batched PRM call, plus lookahead), <see cref="Finish"/> chooses the answer.
/// </summary>
public abstract class SearchStrategy
{
    /// <summary>The strategy's name (see <see cref="StrategyNames"/>).</summary>
    public abstract string Name { get; }

    /// <summary>Validates <paramref name="config"/> and creates the initial state.</summary>
    public virtual SearchState Start(string problem, SearchConfig config)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Strategy != Name)
        {
            config = config with { Strategy = Name };
        }

        config.EnsureValid();
        return new SearchState { Problem = problem, Config = config };
    }

    /// <summary>Runs one iteration, updating <paramref name="state"/> in place; sets <see cref="SearchState.Finished"/> at the end.</summary>
    public abstract Task StepAsync(SearchState state, SearchContext context, CancellationToken cancellationToken = default);

    /// <summary>The result of a finished state.</summary>
    public abstract SearchResult Finish(SearchState state);

    /// <summary>A beam as a reported completion.</summary>
    protected static Completion ToCompletion(Beam beam, SearchConfig config, bool scored)
    {
        ArgumentNullException.ThrowIfNull(beam);
        ArgumentNullException.ThrowIfNull(config);
        var text = beam.Text;
        return new Completion(
            text,
            beam.Scores,
            scored ? ScoreAggregation.Aggregate(beam.Scores, config.Aggregation) : null,
            AnswerExtractor.Extract(text),
            beam.StopReason,
            beam.GeneratedTokens);
    }

    /// <summary>The result whose chosen completion is <paramref name="chosen"/> (-1: none).</summary>
    protected SearchResult Result(SearchState state, IReadOnlyList<Completion> completions, int chosen)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(completions);
        var pick = chosen >= 0 ? completions[chosen] : null;
        return new SearchResult(Name, pick?.Answer, pick?.Text ?? string.Empty, pick?.AggregatedScore, completions, state.Iteration, state.Compute.Clone());
    }

    /// <summary>Index of the completion with the best aggregated score (first on ties).</summary>
    protected static int BestScored(IReadOnlyList<Completion> completions) =>
        AnswerSelection.Best(completions.Select(c => c.AggregatedScore ?? double.NegativeInfinity).ToList(), completions.Count);
}
