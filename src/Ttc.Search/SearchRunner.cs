namespace Ttc.Search;

/// <summary>
/// Drives searches to the end in memory: any number at once, their pending requests merged into
/// shared model batches (one generator call and one PRM call per round, both in flight together),
/// each response routed back to its search. Results do not depend on how many run at once. The first
/// searches start in two halves a round apart, so that one half generates while the other is scored:
/// started together, every search would want the generator in the same rounds and the PRM in the
/// others, and each model would wait through the other's calls.
/// </summary>
/// <param name="context">The models.</param>
/// <param name="concurrency">Searches active at once (at least 1).</param>
public sealed class SearchRunner(SearchContext context, int concurrency = 1)
{
    private readonly SearchContext _context = context ?? throw new ArgumentNullException(nameof(context));
    private readonly int _concurrency = concurrency >= 1 ? concurrency : throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "must be at least 1");

    /// <summary>What the model batches looked like.</summary>
    public RunnerStats Stats { get; } = new();

    /// <summary>Solves one problem, calling <paramref name="afterIteration"/> after every search iteration.</summary>
    public static async Task<SearchResult> SolveAsync(
        string problem,
        SearchConfig config,
        SearchContext context,
        Action<SearchState>? afterIteration = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var state = StrategyRegistry.Get(config.Strategy).Start(problem, config);
        SearchResult? result = null;
        await new SearchRunner(context).RunAsync(
            [(0, state)],
            (_, r, _) => { result = r; return Task.CompletedTask; },
            afterIteration is null ? null : (_, s) => afterIteration(s),
            cancellationToken);
        return result!;
    }

    /// <summary>Advances <paramref name="state"/> by one search iteration (all its phases) on its own, or to the end.</summary>
    public static async Task<SearchState> IterateAsync(SearchState state, SearchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var strategy = StrategyRegistry.Get(state.Config.Strategy);
        int iteration = state.Iteration;
        while (!state.Finished && state.Iteration == iteration)
        {
            state = strategy.Apply(state, await context.ExecuteAsync(strategy.Plan(state), cancellationToken));
        }

        return state;
    }

    /// <summary>
    /// Runs <paramref name="searches"/> (new or restored states), at most the runner's concurrency at a
    /// time, taking the next from the sequence as one finishes. <paramref name="finished"/> gets each
    /// result as soon as it is known; <paramref name="iterated"/> sees each state after every iteration.
    /// </summary>
    public async Task RunAsync<TKey>(
        IEnumerable<(TKey Key, SearchState State)> searches,
        Func<TKey, SearchResult, CancellationToken, Task> finished,
        Action<TKey, SearchState>? iterated = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searches);
        ArgumentNullException.ThrowIfNull(finished);
        using var source = searches.GetEnumerator();
        var active = new List<Slot<TKey>>();
        bool first = true;
        while (true)
        {
            while (active.Count < _concurrency && source.MoveNext())
            {
                var (key, state) = source.Current;
                var slot = new Slot<TKey>(key, StrategyRegistry.Get(state.Config.Strategy), state) { Waits = first && active.Count % 2 == 1 };
                if (state.Finished)
                {
                    await finished(key, slot.Strategy.Finish(state), cancellationToken);
                    continue;
                }

                active.Add(slot);
            }

            if (active.Count == 0)
            {
                return;
            }

            first = false;
            cancellationToken.ThrowIfCancellationRequested();
            var moving = active.Where(s => !s.Waits).ToList();
            active.ForEach(s => s.Waits = false);
            var responses = await RoundAsync(moving.Select(s => s.Strategy.Plan(s.State)).ToList(), cancellationToken);
            for (int i = 0; i < moving.Count; i++)
            {
                var slot = moving[i];
                int iteration = slot.State.Iteration;
                slot.State = slot.Strategy.Apply(slot.State, responses[i]);
                if (slot.State.Iteration != iteration || slot.State.Finished)
                {
                    iterated?.Invoke(slot.Key, slot.State);
                }

                if (slot.State.Finished)
                {
                    await finished(slot.Key, slot.Strategy.Finish(slot.State), cancellationToken);
                }
            }

            active.RemoveAll(s => s.State.Finished);
        }
    }

    /// <summary>Answers every plan with one generator call and one PRM call, run at the same time.</summary>
    private async Task<SearchResponses[]> RoundAsync(List<SearchPlan> plans, CancellationToken cancellationToken)
    {
        var generation = plans.Where(p => p.Generates).SelectMany(p => p.Generation).ToList();
        var scoring = plans.Where(p => !p.Generates).SelectMany(p => p.Scoring).ToList();
        var generating = _context.GenerateAsync(generation, cancellationToken);
        var scoringTask = _context.ScoreAsync(scoring, cancellationToken);
        await Task.WhenAll(generating, scoringTask);
        var (generated, generationSeconds) = await generating;
        var (scores, scoringSeconds) = await scoringTask;
        // Each search is charged its share of a shared call's time, by the tokens it accounts for.
        long generatedTokens = System.Math.Max(1, generated.Sum(g => (long)g.GeneratedTokens));
        long scoredTokens = scores.Sum(s => (long)s.Tokens), prmTokens = System.Math.Max(1, scoredTokens);
        Stats.Count(generation.Count, scoring.Count, generationSeconds, scoringSeconds, scoredTokens);
        var responses = new SearchResponses[plans.Count];
        int g = 0, s = 0;
        for (int i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            if (plan.Generates)
            {
                var mine = generated.Skip(g).Take(plan.Generation.Count).ToList();
                g += mine.Count;
                responses[i] = SearchResponses.Generated(mine, generationSeconds * mine.Sum(x => x.GeneratedTokens) / generatedTokens);
            }
            else
            {
                var mine = scores.Skip(s).Take(plan.Scoring.Count).ToList();
                s += mine.Count;
                responses[i] = SearchResponses.Scored(mine, scoringSeconds * mine.Sum(x => x.Tokens) / prmTokens);
            }
        }

        return responses;
    }

    private sealed class Slot<TKey>(TKey key, SearchStrategy strategy, SearchState state)
    {
        public TKey Key { get; } = key;

        public SearchStrategy Strategy { get; } = strategy;

        public SearchState State { get; set; } = state;

        /// <summary>Sits out the next round (half of the first searches, to start out of step with the others).</summary>
        public bool Waits { get; set; }
    }
}

/// <summary>Counts of the model calls a <see cref="SearchRunner"/> made.</summary>
public sealed class RunnerStats
{
    /// <summary>Generator calls.</summary>
    public long GenerationCalls { get; private set; }

    /// <summary>Sequences sent to the generator.</summary>
    public long GeneratedSequences { get; private set; }

    /// <summary>PRM calls.</summary>
    public long ScoringCalls { get; private set; }

    /// <summary>Solutions sent to the PRM.</summary>
    public long ScoredSequences { get; private set; }

    /// <summary>Rounds with a generator call and a PRM call in flight together.</summary>
    public long OverlappedRounds { get; private set; }

    /// <summary>Seconds inside generator calls (summed over calls).</summary>
    public double GenerationSeconds { get; private set; }

    /// <summary>Seconds inside PRM calls (summed over calls; they may overlap generator calls).</summary>
    public double ScoringSeconds { get; private set; }

    /// <summary>Input tokens of the solutions sent to the PRM.</summary>
    public long ScoredTokens { get; private set; }

    /// <summary>Mean sequences per generator call.</summary>
    public double MeanGenerationBatch => GenerationCalls == 0 ? 0 : (double)GeneratedSequences / GenerationCalls;

    /// <summary>Mean solutions per PRM call.</summary>
    public double MeanScoringBatch => ScoringCalls == 0 ? 0 : (double)ScoredSequences / ScoringCalls;

    internal void Count(int generated, int scored, double generationSeconds, double scoringSeconds, long scoredTokens)
    {
        GenerationSeconds += generationSeconds;
        ScoringSeconds += scoringSeconds;
        ScoredTokens += scoredTokens;
        if (generated > 0 && scored > 0)
        {
            OverlappedRounds++;
        }

        if (generated > 0)
        {
            GenerationCalls++;
            GeneratedSequences += generated;
        }

        if (scored > 0)
        {
            ScoringCalls++;
            ScoredSequences += scored;
        }
    }
}
