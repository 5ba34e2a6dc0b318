using Ttc.Math;

namespace Ttc.Search;

/// <summary>
/// A test-time-compute strategy as a pure state machine: <see cref="Start"/> makes the initial state,
/// <see cref="Plan"/> says what inference the next phase needs, <see cref="Apply"/> takes the answers
/// and returns the next state (the one given is left as it was), <see cref="Finish"/> chooses the
/// answer. No I/O, no clock, no randomness of its own: whoever drives it (the in-memory runner, the
/// evaluation, a durable orchestration) runs the inference, and the same answers give the same states.
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
        return new SearchState { Problem = problem, Config = config, Phase = SearchPhase.Generate };
    }

    /// <summary>The requests of the next phase (<see cref="SearchPlan.None"/> once finished). Pure: calling it twice gives equal plans.</summary>
    public SearchPlan Plan(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase switch
        {
            SearchPhase.Done => SearchPlan.None,
            SearchPhase.Score => new SearchPlan(SearchPhase.Score, [], PlanScoring(state)),
            _ => new SearchPlan(state.Phase, PlanGeneration(state), []),
        };
    }

    /// <summary>
    /// The state after the planned phase got <paramref name="responses"/>: compute counted, candidates
    /// updated, the next phase chosen. <paramref name="state"/> itself is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">The responses do not answer the plan (count or kind).</exception>
    public SearchState Apply(SearchState state, SearchResponses responses)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(responses);
        if (state.Finished)
        {
            throw new InvalidOperationException("The search is finished; there is nothing to apply.");
        }

        var plan = Plan(state);
        var next = state.Clone();
        if (plan.Generates)
        {
            if (responses.Generation.Count != plan.Generation.Count)
            {
                throw new ArgumentException($"The generation phase asked for {plan.Generation.Count} results but got {responses.Generation.Count}.", nameof(responses));
            }

            next.Compute.CountGeneration(plan.Generation.Count, responses.Generation, responses.Seconds);
            ApplyGeneration(next, responses.Generation);
        }
        else
        {
            if (responses.Scoring.Count != plan.Scoring.Count)
            {
                throw new ArgumentException($"The score phase asked for {plan.Scoring.Count} results but got {responses.Scoring.Count}.", nameof(responses));
            }

            next.Compute.CountScoring(plan.Scoring.Count, responses.Scoring, responses.Seconds);
            ApplyScoring(next, responses.Scoring);
        }

        return next;
    }

    /// <summary>The result of a finished state.</summary>
    public abstract SearchResult Finish(SearchState state);

    /// <summary>Generation requests of the generate or lookahead phase.</summary>
    protected abstract IReadOnlyList<StepRequest> PlanGeneration(SearchState state);

    /// <summary>Scoring requests of the score phase.</summary>
    protected abstract IReadOnlyList<ScoreRequest> PlanScoring(SearchState state);

    /// <summary>Takes the generation results into <paramref name="state"/> (a fresh copy it may change) and sets its next phase.</summary>
    protected abstract void ApplyGeneration(SearchState state, IReadOnlyList<GeneratedStep> results);

    /// <summary>Takes the scores into <paramref name="state"/> (a fresh copy it may change) and sets its next phase.</summary>
    protected abstract void ApplyScoring(SearchState state, IReadOnlyList<StepScores> results);

    /// <summary>A request to continue <paramref name="prefix"/> with the search's sampling settings.</summary>
    protected static StepRequest Request(SearchState state, string prefix, bool toEnd, long seed, double? temperature = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var c = state.Config;
        return new StepRequest(state.Problem, prefix, toEnd ? null : c.StepSeparator, new Sampling(temperature ?? c.Temperature, c.TopP, c.MaxTokens, seed));
    }

    /// <summary>A sampled whole solution as a completed beam with a new id (independent samples, probes).</summary>
    protected static Beam CompletedSample(SearchState state, GeneratedStep result)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(result);
        return new Beam
        {
            Id = state.TakeId(),
            Steps = [result.Text],
            StopReason = result.StopReason,
            Completed = true,
            GeneratedTokens = result.GeneratedTokens,
        };
    }

    /// <summary>Puts each score result on the pending beam it answers, in order.</summary>
    protected static void ScorePending(SearchState state, IReadOnlyList<StepScores> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        for (int i = 0; i < results.Count; i++)
        {
            state.Pending[i].Scores = [.. results[i].Scores];
            state.Pending[i].PrmTokens = results[i].Tokens;
        }
    }

    /// <summary>A request to score <paramref name="text"/>, split into steps at the configured separator.</summary>
    protected static ScoreRequest ScoreText(SearchState state, string text)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ScoreRequest(state.Problem, StepSplitter.Split(text, state.Config.StepSeparator));
    }

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
            beam.GeneratedTokens,
            scored ? beam.PrmTokens : 0);
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
