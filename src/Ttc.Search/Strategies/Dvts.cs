using System.Diagnostics;

namespace Ttc.Search.Strategies;

/// <summary>
/// Diverse Verifier Tree Search: n/M independent subtrees. Each iteration every live subtree samples
/// M candidate steps, the PRM scores them (with lookahead), and the best is appended. A subtree ends
/// on end-of-sequence, length, an empty step, or once <c>boxed{</c> appears. The output is each
/// subtree's last M sibling completions, so n in all. Unlike the reference, token counts are kept
/// and the configured aggregation makes every choice.
/// </summary>
public sealed class Dvts : SearchStrategy
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
    public override async Task StepAsync(SearchState state, SearchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var config = state.Config;
        int m = config.BeamWidth;
        bool final = state.Iteration == config.NumIterations - 1;
        var live = state.Active;

        // Candidate c of subtree t sits at index t*M + c of every batch below.
        var prefixes = live.SelectMany(b => Enumerable.Repeat(b.Text, m)).ToList();
        var requests = prefixes
            .Select((p, k) => SearchContext.Request(state, p, final, Seeds.Derive(config.Seed, state.Iteration, live[k / m].Subtree, k % m)))
            .ToList();
        var steps = await context.GenerateAsync(state, requests, cancellationToken);
        var tokens = steps.Select(s => s.GeneratedTokens).ToArray();
        var lookahead = await context.LookaheadAsync(state, prefixes, steps, tokens, final, cancellationToken);
        var scores = await context.ScoreAsync(state, prefixes.Select((p, k) => p + steps[k].Text + lookahead[k]).ToList(), cancellationToken);

        long start = Stopwatch.GetTimestamp();
        var next = new List<Beam>();
        for (int t = 0; t < live.Count; t++)
        {
            var parent = live[t];
            var candidates = new List<Beam>(m);
            for (int c = 0; c < m; c++)
            {
                int k = (t * m) + c;
                var child = parent.Branch(state.TakeId());
                child.Steps.Add(steps[k].Text);
                child.StopReason = steps[k].StopReason;
                child.GeneratedTokens += tokens[k];
                child.LookaheadText = lookahead[k];
                child.Scores = [.. scores[k].Scores];
                child.Completed = steps[k].StopReason != StopReason.Separator || steps[k].Text.Length == 0;
                candidates.Add(child);
            }

            var best = candidates[AnswerSelection.Best(candidates.Select(b => ScoreAggregation.Aggregate(b.Scores, config.Aggregation)).ToList(), m)];
            state.Candidates.RemoveAll(b => b.Subtree == parent.Subtree);
            state.Candidates.AddRange(candidates);
            bool ended = best.Completed || best.Text.Contains("boxed{", StringComparison.Ordinal);
            if (ended)
            {
                state.Completed.Add(best);
            }
            else
            {
                next.Add(best);
            }
        }

        state.Active = next;
        state.Iteration++;
        state.Finished = next.Count == 0 || state.Iteration >= config.NumIterations;
        state.Compute.SelectionSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
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
