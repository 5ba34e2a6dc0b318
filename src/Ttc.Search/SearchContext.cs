using System.Diagnostics;

namespace Ttc.Search;

/// <summary>
/// The generator and PRM a strategy runs against, with the bookkeeping every strategy shares:
/// per-request seeds, lookahead, and compute accounting into the state.
/// </summary>
public sealed class SearchContext(IStepGenerator generator, IProcessRewardModel? prm)
{
    /// <summary>The step generator.</summary>
    public IStepGenerator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    /// <summary>The PRM; null when only unscored strategies will run.</summary>
    public IProcessRewardModel? Prm { get; } = prm;

    /// <summary>Runs one batched generation call and counts it.</summary>
    public async Task<IReadOnlyList<GeneratedStep>> GenerateAsync(SearchState state, IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        long start = Stopwatch.GetTimestamp();
        var results = await Generator.GenerateAsync(requests, cancellationToken);
        if (results.Count != requests.Count)
        {
            throw new InvalidOperationException($"The generator returned {results.Count} results for {requests.Count} requests.");
        }

        var c = state.Compute;
        c.GenerationSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        c.GeneratorCalls++;
        c.GeneratedSequences += requests.Count;
        foreach (var r in results)
        {
            c.GeneratedTokens += r.GeneratedTokens;
            c.PromptTokens += r.PromptTokens;
        }

        return results;
    }

    /// <summary>Scores texts (split into steps at the configured separator) in one PRM call and counts it.</summary>
    public async Task<IReadOnlyList<StepScores>> ScoreAsync(SearchState state, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(texts);
        if (Prm is null)
        {
            throw new InvalidOperationException($"Strategy '{state.Config.Strategy}' needs a process reward model, and none was given.");
        }

        if (texts.Count == 0)
        {
            return [];
        }

        var requests = texts.Select(t => new ScoreRequest(state.Problem, StepSplitter.Split(t, state.Config.StepSeparator))).ToList();
        long start = Stopwatch.GetTimestamp();
        var results = await Prm.ScoreAsync(requests, cancellationToken);
        if (results.Count != requests.Count)
        {
            throw new InvalidOperationException($"The PRM returned {results.Count} results for {requests.Count} requests.");
        }

        var c = state.Compute;
        c.ScoringSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
        c.PrmCalls++;
        c.ScoredSequences += requests.Count;
        c.PrmTokens += results.Sum(r => (long)r.Tokens);
        return results;
    }

    /// <summary>A request to continue <paramref name="prefix"/> with the search's sampling settings.</summary>
    public static StepRequest Request(SearchState state, string prefix, bool toEnd, long seed, double? temperature = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var c = state.Config;
        return new StepRequest(state.Problem, prefix, toEnd ? null : c.StepSeparator, new Sampling(temperature ?? c.Temperature, c.TopP, c.MaxTokens, seed));
    }

    /// <summary>
    /// Extends each first step by <see cref="SearchConfig.Lookahead"/> greedy steps (not on the final
    /// iteration) and returns the continuation text per entry; entries that ended stay empty.
    /// The tokens are added to <paramref name="tokens"/>.
    /// </summary>
    public async Task<string[]> LookaheadAsync(SearchState state, IReadOnlyList<string> prefixes, IReadOnlyList<GeneratedStep> first, int[] tokens, bool finalIteration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(tokens);
        var extra = new string[first.Count];
        Array.Fill(extra, string.Empty);
        if (finalIteration || state.Config.Lookahead == 0)
        {
            return extra;
        }

        var open = Enumerable.Range(0, first.Count).Where(i => first[i].StopReason == StopReason.Separator && first[i].Text.Length > 0).ToList();
        for (int step = 0; step < state.Config.Lookahead && open.Count > 0; step++)
        {
            var requests = open.Select(i => Request(state, prefixes[i] + first[i].Text + extra[i], toEnd: false, seed: 0, temperature: 0)).ToList();
            var results = await GenerateAsync(state, requests, cancellationToken);
            var still = new List<int>();
            for (int j = 0; j < open.Count; j++)
            {
                int i = open[j];
                extra[i] += results[j].Text;
                tokens[i] += results[j].GeneratedTokens;
                if (results[j].StopReason == StopReason.Separator && results[j].Text.Length > 0)
                {
                    still.Add(i);
                }
            }

            open = still;
        }

        return extra;
    }
}
