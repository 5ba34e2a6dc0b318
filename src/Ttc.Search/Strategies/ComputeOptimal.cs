namespace Ttc.Search.Strategies;

/// <summary>
/// Compute-optimal scaling (Snell et al. 2024): first a probe, min(n, probeSamples) independent samples
/// scored by the PRM (seeds of the sampling strategies' first samples); their mean aggregated score is the
/// predicted difficulty, binned by the policy (<see cref="SearchConfig.Policy"/>); then the strategy and
/// settings the policy assigns to that bin and n run to the end inside this one state
/// (<see cref="SearchState.Inner"/>). A sampling strategy takes the probe's samples as its own first ones,
/// so it costs what it would alone; any other pays for the probe on top. The probe is counted in the
/// compute reported, and the choice is in the result.
/// </summary>
public sealed class ComputeOptimal : SearchStrategy
{
    /// <inheritdoc />
    public override string Name => StrategyNames.ComputeOptimal;

    /// <summary>Samples the probe draws for <paramref name="config"/>.</summary>
    public static int ProbeSize(SearchConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return System.Math.Min(config.N, config.Policy?.ProbeSamples ?? 1);
    }

    /// <summary>The settings of the strategy the policy assigns to <paramref name="bin"/> at <paramref name="config"/>'s n.</summary>
    public static SearchConfig InnerConfig(SearchConfig config, int bin)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entry = config.Policy!.Choose(bin, config.N);
        int width = System.Math.Min(entry.BeamWidth, config.N);
        if (entry.Strategy is StrategyNames.BeamSearch or StrategyNames.Dvts)
        {
            // Beam search and DVTS need n to be a multiple of the width: the widest divisor not above it.
            while (config.N % width != 0)
            {
                width--;
            }
        }

        return config with { Strategy = entry.Strategy, BeamWidth = width, Aggregation = entry.Aggregation, Lookahead = entry.Lookahead, Policy = null };
    }

    /// <inheritdoc />
    protected override IReadOnlyList<StepRequest> PlanGeneration(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Inner is { } inner)
        {
            return StrategyRegistry.Get(inner.Config.Strategy).Plan(inner).Generation;
        }

        // The probe: sample j has the seed a sampling strategy gives its sample j.
        return Enumerable.Range(0, ProbeSize(state.Config))
            .Select(j => Request(state, string.Empty, toEnd: true, Seeds.Derive(state.Config.Seed, 0, j)))
            .ToList();
    }

    /// <inheritdoc />
    protected override IReadOnlyList<ScoreRequest> PlanScoring(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Inner is { } inner
            ? StrategyRegistry.Get(inner.Config.Strategy).Plan(inner).Scoring
            : state.Pending.Select(b => ScoreText(state, b.Text)).ToList();
    }

    /// <inheritdoc />
    protected override void ApplyGeneration(SearchState state, IReadOnlyList<GeneratedStep> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        if (state.Inner is not null)
        {
            // The seconds are counted once, in this state; the inner one keeps the token counts for its own Finish.
            Advance(state, SearchResponses.Generated(results, 0));
            return;
        }

        state.Pending = results.Select(r => CompletedSample(state, r)).ToList();
        state.Phase = SearchPhase.Score;
    }

    /// <inheritdoc />
    protected override void ApplyScoring(SearchState state, IReadOnlyList<StepScores> results)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(results);
        if (state.Inner is not null)
        {
            Advance(state, SearchResponses.Scored(results, 0));
            return;
        }

        ScorePending(state, results);

        var policy = state.Config.Policy!;
        double probe = state.Pending.Count == 0 ? 0 : state.Pending.Average(b => ScoreAggregation.Aggregate(b.Scores, policy.ProbeAggregation));
        int bin = policy.BinOf(probe);
        var config = InnerConfig(state.Config, bin);
        var strategy = StrategyRegistry.Get(config.Strategy);
        // Same seeds and temperature: the probe's samples are this strategy's first samples.
        bool reuse = strategy is IndependentSampling && config.Strategy != StrategyNames.Greedy;
        state.Inner = reuse ? ((IndependentSampling)strategy).StartWith(state.Problem, config, state.Pending) : strategy.Start(state.Problem, config);
        state.Choice = new ComputeOptimalChoice(bin, System.Math.Round(probe, 6), state.Pending.Count, config.Strategy, config.BeamWidth, config.Aggregation, config.Lookahead, reuse);
        state.Pending = [];
        state.Iteration = 1;
        state.Phase = state.Inner.Phase;
    }

    /// <inheritdoc />
    public override SearchResult Finish(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Inner is not { } inner)
        {
            throw new InvalidOperationException("compute_optimal has not finished its probe.");
        }

        var result = StrategyRegistry.Get(inner.Config.Strategy).Finish(inner);
        return result with { Strategy = Name, Iterations = state.Iteration, Compute = state.Compute.Clone(), Choice = state.Choice };
    }

    private static void Advance(SearchState state, SearchResponses responses)
    {
        var inner = state.Inner!;
        state.Inner = StrategyRegistry.Get(inner.Config.Strategy).Apply(inner, responses);
        state.Iteration = 1 + state.Inner.Iteration;
        state.Phase = state.Inner.Phase;
    }
}
