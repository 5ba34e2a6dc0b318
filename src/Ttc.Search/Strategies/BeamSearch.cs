namespace Ttc.Search.Strategies;

/// <summary>
/// PRM-guided beam search. Each iteration the active beams are copied round-robin back to n, each
/// samples one step, finished beams (end-of-sequence, length, empty step) leave the active set, the
/// PRM scores all of them (with their lookahead), duplicates may be dropped, and the best n/M of the
/// unfinished survive. The last iteration generates to the end. Unlike the reference, token counts
/// are kept, lookahead text is what gets scored, and the configured aggregation makes the final choice.
/// </summary>
public sealed class BeamSearch : TreeSearch
{
    /// <inheritdoc />
    public override string Name => StrategyNames.BeamSearch;

    /// <inheritdoc />
    public override SearchState Start(string problem, SearchConfig config)
    {
        var state = base.Start(problem, config);
        for (int i = 0; i < state.Config.N; i++)
        {
            state.Active.Add(new Beam { Id = state.TakeId() });
        }

        return state;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<(Beam Parent, long Seed)> Expansion(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var active = state.Active;
        return Enumerable.Range(0, state.Config.N)
            .Select(i => (active[i % active.Count], Seeds.Derive(state.Config.Seed, state.Iteration, i)))
            .ToList();
    }

    /// <inheritdoc />
    protected override void Choose(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        // All beams were scored, finished ones included: their scores decide the final choice.
        state.Completed.AddRange(state.Pending.Where(b => b.Completed));
        var active = state.Pending.Where(b => !b.Completed).ToList();
        if (config.FilterDuplicates)
        {
            active = active.DistinctBy(b => b.Text, StringComparer.Ordinal).ToList();
        }

        state.Active = Prune(active, config);
    }

    /// <summary>The best n/M by aggregated score; ties keep the earlier beam, order is preserved.</summary>
    private static List<Beam> Prune(List<Beam> active, SearchConfig config)
    {
        int keep = config.N / config.BeamWidth;
        var chosen = active
            .Select((b, i) => (Beam: b, Index: i, Score: ScoreAggregation.Aggregate(b.Scores, config.Aggregation)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Index)
            .Take(keep)
            .Select(x => x.Index)
            .ToHashSet();
        return active.Where((_, i) => chosen.Contains(i)).ToList();
    }

    /// <inheritdoc />
    public override SearchResult Finish(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        IEnumerable<Beam> finished = state.Completed;
        if (config.SortCompleted)
        {
            finished = finished.OrderByDescending(b => ScoreAggregation.Aggregate(b.Scores, config.Aggregation));
        }

        var output = finished.Take(config.N).ToList();
        // If the iteration budget ran out with beams still open, they are the best there is.
        if (output.Count == 0)
        {
            output = [.. state.Active];
        }

        // Fewer than n finished: repeat them round-robin, as the reference does.
        int have = output.Count;
        for (int i = have; i < config.N && have > 0; i++)
        {
            output.Add(output[i % have]);
        }

        var completions = output.Select(b => ToCompletion(b, config, scored: true)).ToList();
        return Result(state, completions, BestScored(completions));
    }
}
