namespace Ttc.Search.Strategies;

/// <summary>
/// The shared shape of the sampling strategies: independent samples of the whole solution (sample j
/// always has the seed of index j), drawn in one generation phase, optionally scored by the PRM in one
/// score phase; the strategy only chooses. With <see cref="SearchConfig.AdaptiveRound"/> set, the
/// samples come in rounds (one iteration each) and the search stops once the vote is decided.
/// </summary>
public abstract class IndependentSampling : SearchStrategy
{
    /// <summary>Whether the samples are scored by the PRM.</summary>
    protected abstract bool Scored { get; }

    /// <summary>Samples drawn for the configuration.</summary>
    protected virtual int SampleCount(SearchConfig config) => config.N;

    /// <summary>Temperature of the samples.</summary>
    protected virtual double Temperature(SearchConfig config) => config.Temperature;

    /// <summary>
    /// The initial state with <paramref name="samples"/> (finished, and scored if this strategy scores)
    /// already drawn as its first samples, such as compute_optimal's probe: only the rest are drawn.
    /// </summary>
    public SearchState StartWith(string problem, SearchConfig config, IReadOnlyList<Beam> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var state = Start(problem, config);
        foreach (var b in samples.Take(SampleCount(state.Config)))
        {
            var copy = b.Clone();
            copy.Id = state.TakeId();
            state.Completed.Add(copy);
        }

        state.Phase = IsDone(state) ? SearchPhase.Done : SearchPhase.Generate;
        return state;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<StepRequest> PlanGeneration(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int first = state.Completed.Count;
        return Enumerable.Range(first, RoundEnd(state) - first)
            .Select(j => Request(state, string.Empty, toEnd: true, Seeds.Derive(state.Config.Seed, 0, j), Temperature(state.Config)))
            .ToList();
    }

    /// <inheritdoc />
    protected override IReadOnlyList<ScoreRequest> PlanScoring(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Pending.Select(b => ScoreText(state, b.Text)).ToList();
    }

    /// <inheritdoc />
    protected override void ApplyGeneration(SearchState state, IReadOnlyList<GeneratedStep> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        var samples = results.Select(r => CompletedSample(state, r)).ToList();
        if (Scored)
        {
            state.Pending = samples;
            state.Phase = SearchPhase.Score;
        }
        else
        {
            state.Completed.AddRange(samples);
            EndRound(state);
        }
    }

    /// <inheritdoc />
    protected override void ApplyScoring(SearchState state, IReadOnlyList<StepScores> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        ScorePending(state, results);

        state.Completed.AddRange(state.Pending);
        state.Pending = [];
        EndRound(state);
    }

    /// <inheritdoc />
    public override SearchResult Finish(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var completions = state.Completed.Select(b => ToCompletion(b, state.Config, Scored)).ToList();
        return Result(state, completions, Choose(completions));
    }

    /// <summary>Index of the chosen completion, or -1.</summary>
    protected abstract int Choose(IReadOnlyList<Completion> completions);

    /// <summary>Whether <paramref name="completions"/> already decide the choice with <paramref name="remaining"/> samples to come (adaptive budget).</summary>
    protected virtual bool Decided(IReadOnlyList<Completion> completions, int remaining) => remaining <= 0;

    // One round is over once its samples are drawn and, if they are, scored.
    private void EndRound(SearchState state)
    {
        state.Iteration++;
        state.Phase = IsDone(state) ? SearchPhase.Done : SearchPhase.Generate;
    }

    private bool IsDone(SearchState state)
    {
        int remaining = SampleCount(state.Config) - state.Completed.Count;
        if (remaining <= 0)
        {
            return true;
        }

        return state.Config.AdaptiveRound > 0
            && Decided(state.Completed.Select(b => ToCompletion(b, state.Config, Scored)).ToList(), remaining);
    }

    private int RoundEnd(SearchState state)
    {
        int all = SampleCount(state.Config);
        int round = state.Config.AdaptiveRound;
        return round > 0 ? System.Math.Min(all, state.Completed.Count + round) : all;
    }
}
