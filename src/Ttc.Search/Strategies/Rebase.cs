namespace Ttc.Search.Strategies;

/// <summary>
/// REBASE (reward-balanced search, Wu et al. 2024): a tree grown depth by depth under a budget of n
/// solutions. The first iteration samples n first steps from the root; after the PRM scores them, the
/// finished solutions use up their share of the budget, and the budget left, B = n - finished, is shared
/// among the open nodes in proportion to softmax(score / T) (largest remainders, ties to the earlier
/// node), each node getting that many sampled children. A node given no child is pruned. It ends when the
/// budget is used up, nothing is open, or the iteration limit is reached (the last iteration writes to
/// the end). The answer is the weighted vote of the finished solutions, as in the paper.
/// </summary>
public sealed class Rebase : TreeSearch
{
    /// <inheritdoc />
    public override string Name => StrategyNames.Rebase;

    /// <inheritdoc />
    public override SearchState Start(string problem, SearchConfig config)
    {
        var state = base.Start(problem, config);
        state.Active.Add(new Beam { Id = state.TakeId() });
        return state;
    }

    /// <summary>How many children each of <paramref name="scores"/>' nodes gets out of <paramref name="budget"/>.</summary>
    public static int[] Allocate(IReadOnlyList<double> scores, int budget, double temperature)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var counts = new int[scores.Count];
        if (scores.Count == 0 || budget <= 0)
        {
            return counts;
        }

        double max = scores.Max();
        var weights = scores.Select(s => System.Math.Exp((s - max) / temperature)).ToArray();
        double total = weights.Sum();
        var shares = weights.Select(w => budget * w / total).ToArray();
        int given = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = (int)System.Math.Floor(shares[i]);
            given += counts[i];
        }

        // The rest by largest remainder; equal remainders go to the earlier node.
        foreach (int i in Enumerable.Range(0, counts.Length).OrderByDescending(i => shares[i] - counts[i]).ThenBy(i => i).Take(budget - given))
        {
            counts[i]++;
        }

        return counts;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<(Beam Parent, long Seed)> Expansion(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        int budget = config.N - state.Completed.Count;
        var scores = state.Active.Select(b => ScoreAggregation.Aggregate(b.Scores, config.Aggregation)).ToList();
        var counts = Allocate(scores, budget, config.EffectiveRebaseTemperature);
        var expansion = new List<(Beam, long)>();
        for (int i = 0; i < counts.Length; i++)
        {
            for (int c = 0; c < counts[i]; c++)
            {
                expansion.Add((state.Active[i], Seeds.Derive(config.Seed, state.Iteration, expansion.Count)));
            }
        }

        return expansion;
    }

    /// <inheritdoc />
    protected override void Choose(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Completed.AddRange(state.Pending.Where(b => b.Completed));
        state.Active = state.Completed.Count >= state.Config.N ? [] : state.Pending.Where(b => !b.Completed).ToList();
    }

    /// <inheritdoc />
    public override SearchResult Finish(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        // If the iteration limit came first, the open nodes are the best there is.
        var output = state.Completed.Count > 0 ? state.Completed : state.Active;
        var completions = output.Select(b => ToCompletion(b, config, scored: true)).ToList();
        var scores = completions.Select(c => c.AggregatedScore ?? 0).ToList();
        int pick = new AnswerSelection(completions.Select(c => c.Answer).ToList()).Weighted(completions.Count, scores);
        return Result(state, completions, pick >= 0 ? pick : BestScored(completions));
    }
}
