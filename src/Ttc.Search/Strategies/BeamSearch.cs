using System.Diagnostics;

namespace Ttc.Search.Strategies;

/// <summary>
/// PRM-guided beam search. Each iteration the active beams are copied round-robin back to n, each
/// samples one step, finished beams (end-of-sequence, length, empty step) leave the active set, the
/// PRM scores the rest (with their lookahead), duplicates may be dropped, and the best n/M survive.
/// The last iteration generates to the end. Unlike the reference, token counts are kept, lookahead
/// text is what gets scored, and the configured aggregation makes the final choice.
/// </summary>
public sealed class BeamSearch : SearchStrategy
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
    public override async Task StepAsync(SearchState state, SearchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var config = state.Config;
        bool final = state.Iteration == config.NumIterations - 1;
        long start = Stopwatch.GetTimestamp();
        var beams = Expand(state);
        state.Compute.SelectionSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;

        var prefixes = beams.Select(b => b.Text).ToList();
        var requests = beams.Select((b, i) => SearchContext.Request(state, prefixes[i], final, Seeds.Derive(config.Seed, state.Iteration, i))).ToList();
        var steps = await context.GenerateAsync(state, requests, cancellationToken);
        var tokens = steps.Select(s => s.GeneratedTokens).ToArray();
        var lookahead = await context.LookaheadAsync(state, prefixes, steps, tokens, final, cancellationToken);

        for (int i = 0; i < beams.Count; i++)
        {
            var b = beams[i];
            b.Steps.Add(steps[i].Text);
            b.StopReason = steps[i].StopReason;
            b.GeneratedTokens += tokens[i];
            b.LookaheadText = lookahead[i];
            b.Completed = steps[i].StopReason != StopReason.Separator || steps[i].Text.Length == 0;
        }

        // All beams are scored, finished ones included: their scores decide the final choice.
        var scores = await context.ScoreAsync(state, beams.Select(b => b.Text + b.LookaheadText).ToList(), cancellationToken);
        start = Stopwatch.GetTimestamp();
        for (int i = 0; i < beams.Count; i++)
        {
            beams[i].Scores = [.. scores[i].Scores];
        }

        state.Completed.AddRange(beams.Where(b => b.Completed));
        var active = beams.Where(b => !b.Completed).ToList();
        if (config.FilterDuplicates)
        {
            active = active.DistinctBy(b => b.Text, StringComparer.Ordinal).ToList();
        }

        state.Active = Prune(active, config);
        state.Iteration++;
        state.Finished = state.Active.Count == 0 || state.Iteration >= config.NumIterations;
        state.Compute.SelectionSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The active beams copied round-robin up to n, each copy a new child node.</summary>
    private static List<Beam> Expand(SearchState state)
    {
        int n = state.Config.N;
        var active = state.Active;
        return Enumerable.Range(0, n).Select(i => active[i % active.Count].Branch(state.TakeId())).ToList();
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
