namespace Ttc.Search.Strategies;

/// <summary>
/// The shared shape of the sampling strategies: n independent samples of the whole solution in one
/// generation phase, optionally scored by the PRM in one score phase; the strategy only chooses.
/// </summary>
public abstract class IndependentSampling : SearchStrategy
{
    /// <summary>Whether the samples are scored by the PRM.</summary>
    protected abstract bool Scored { get; }

    /// <summary>Samples drawn for the configuration.</summary>
    protected virtual int SampleCount(SearchConfig config) => config.N;

    /// <summary>Temperature of the samples.</summary>
    protected virtual double Temperature(SearchConfig config) => config.Temperature;

    /// <inheritdoc />
    protected override IReadOnlyList<StepRequest> PlanGeneration(SearchState state) =>
        Enumerable.Range(0, SampleCount(state.Config))
            .Select(j => Request(state, string.Empty, toEnd: true, Seeds.Derive(state.Config.Seed, 0, j), Temperature(state.Config)))
            .ToList();

    /// <inheritdoc />
    protected override IReadOnlyList<ScoreRequest> PlanScoring(SearchState state) =>
        state.Completed.Select(b => ScoreText(state, b.Text)).ToList();

    /// <inheritdoc />
    protected override void ApplyGeneration(SearchState state, IReadOnlyList<GeneratedStep> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        foreach (var r in results)
        {
            state.Completed.Add(new Beam
            {
                Id = state.TakeId(),
                Steps = [r.Text],
                StopReason = r.StopReason,
                Completed = true,
                GeneratedTokens = r.GeneratedTokens,
            });
        }

        if (Scored)
        {
            state.Phase = SearchPhase.Score;
        }
        else
        {
            End(state);
        }
    }

    /// <inheritdoc />
    protected override void ApplyScoring(SearchState state, IReadOnlyList<StepScores> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        for (int i = 0; i < results.Count; i++)
        {
            state.Completed[i].Scores = [.. results[i].Scores];
        }

        End(state);
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

    // The one iteration of a sampling strategy is over once its samples are drawn and, if they are, scored.
    private static void End(SearchState state)
    {
        state.Phase = SearchPhase.Done;
        state.Iteration = 1;
    }
}
