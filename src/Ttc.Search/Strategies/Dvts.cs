namespace Ttc.Search.Strategies;

/// <summary>
/// Diverse Verifier Tree Search: n/M independent subtrees. Each iteration every live subtree samples
/// M candidate steps, the PRM scores them (with lookahead), and the best is appended. A subtree ends
/// on end-of-sequence, length, an empty step, or once <c>boxed{</c> appears. The output is each
/// subtree's last M sibling completions, so n in all. Unlike the reference, token counts are kept
/// and the configured aggregation makes every choice.
/// </summary>
public sealed class Dvts : TreeSearch
{
    /// <inheritdoc />
    public override string Name => StrategyNames.Dvts;

    /// <inheritdoc />
    public override SearchState Start(string problem, SearchConfig config)
    {
        var state = base.Start(problem, config);
        int subtrees = state.Config.N / state.Config.BeamWidth;
        for (int t = 0; t < subtrees; t++)
        {
            state.Active.Add(new Beam { Id = state.TakeId(), Subtree = t });
        }

        return state;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<(Beam Parent, long Seed)> Expansion(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int m = state.Config.BeamWidth;
        // Candidate c of live subtree t sits at index t*M + c.
        return state.Active
            .SelectMany(b => Enumerable.Range(0, m).Select(c => (b, Seeds.Derive(state.Config.Seed, state.Iteration, b.Subtree, c))))
            .ToList();
    }

    /// <inheritdoc />
    protected override void Choose(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        int m = config.BeamWidth;
        var live = new List<Beam>();
        foreach (var candidates in state.Pending.Chunk(m))
        {
            var best = candidates[AnswerSelection.Best(candidates.Select(b => ScoreAggregation.Aggregate(b.Scores, config.Aggregation)).ToList(), m)];
            state.Candidates.RemoveAll(b => b.Subtree == best.Subtree);
            state.Candidates.AddRange(candidates);
            if (best.Completed || best.Text.Contains("boxed{", StringComparison.Ordinal))
            {
                state.Completed.Add(best);
            }
            else
            {
                live.Add(best);
            }
        }

        state.Active = live;
    }

    /// <inheritdoc />
    public override SearchResult Finish(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var completions = state.Candidates
            .OrderBy(b => b.Subtree)
            .Select(b => ToCompletion(b, state.Config, scored: true))
            .ToList();
        return Result(state, completions, BestScored(completions));
    }
}
