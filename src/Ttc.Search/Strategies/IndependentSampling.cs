using System.Diagnostics;

namespace Ttc.Search.Strategies;

/// <summary>
/// The shared shape of the sampling strategies: n independent samples of the whole solution in one
/// batched call, optionally scored by the PRM in one batched call; the strategy only chooses.
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
    public override async Task StepAsync(SearchState state, SearchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        int count = SampleCount(state.Config);
        var requests = Enumerable.Range(0, count)
            .Select(j => SearchContext.Request(state, string.Empty, toEnd: true, Seeds.Derive(state.Config.Seed, 0, j), Temperature(state.Config)))
            .ToList();
        var results = await context.GenerateAsync(state, requests, cancellationToken);
        long start = Stopwatch.GetTimestamp();
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

        state.Compute.SelectionSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (Scored)
        {
            var scores = await context.ScoreAsync(state, state.Completed.Select(b => b.Text).ToList(), cancellationToken);
            for (int i = 0; i < scores.Count; i++)
            {
                state.Completed[i].Scores = [.. scores[i].Scores];
            }
        }

        state.Iteration = 1;
        state.Finished = true;
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
}
