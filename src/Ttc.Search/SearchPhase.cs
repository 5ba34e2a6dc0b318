namespace Ttc.Search;

/// <summary>What a search needs next. One iteration is a generation phase, any lookahead rounds, then scoring.</summary>
public enum SearchPhase
{
    /// <summary>Sample the next step (or whole solutions) of every candidate.</summary>
    Generate,

    /// <summary>Extend the fresh candidates by one greedy step each, to score them with what follows.</summary>
    Lookahead,

    /// <summary>Score the candidates with the PRM.</summary>
    Score,

    /// <summary>Nothing remains: the state holds the result.</summary>
    Done,
}

/// <summary>
/// The inference one phase of a search needs: generation requests (the generate and lookahead
/// phases) or scoring requests (the score phase), never both. Plain data, so it can travel to
/// an activity or be merged with other searches' plans into one model batch.
/// </summary>
/// <param name="Phase">The phase these requests serve.</param>
/// <param name="Generation">Prefixes to continue, each with its seed and sampling.</param>
/// <param name="Scoring">Solutions to score, split into steps.</param>
public sealed record SearchPlan(SearchPhase Phase, IReadOnlyList<StepRequest> Generation, IReadOnlyList<ScoreRequest> Scoring)
{
    /// <summary>The plan of a finished search: nothing to ask.</summary>
    public static SearchPlan None { get; } = new(SearchPhase.Done, [], []);

    /// <summary>Whether the phase asks the generator.</summary>
    public bool Generates => Phase is SearchPhase.Generate or SearchPhase.Lookahead;
}

/// <summary>The answers to a <see cref="SearchPlan"/>, in request order, and how long they took.</summary>
/// <param name="Generation">One result per generation request (empty for a score phase).</param>
/// <param name="Scoring">One result per scoring request (empty for a generation phase).</param>
/// <param name="Seconds">Wall-clock seconds the inference took, as measured by whoever ran it (this search's share of a shared batch).</param>
public sealed record SearchResponses(IReadOnlyList<GeneratedStep> Generation, IReadOnlyList<StepScores> Scoring, double Seconds)
{
    /// <summary>Answers to a generation phase.</summary>
    public static SearchResponses Generated(IReadOnlyList<GeneratedStep> results, double seconds) => new(results, [], seconds);

    /// <summary>Answers to a score phase.</summary>
    public static SearchResponses Scored(IReadOnlyList<StepScores> results, double seconds) => new([], results, seconds);
}
