namespace Ttc.Search;

/// <summary>Runs a strategy to the end in memory (the CLI and tests; the durable engine checkpoints between steps instead).</summary>
public static class SearchRunner
{
    /// <summary>Solves <paramref name="problem"/>, calling <paramref name="afterStep"/> after every iteration.</summary>
    public static async Task<SearchResult> SolveAsync(
        string problem,
        SearchConfig config,
        SearchContext context,
        Func<SearchState, CancellationToken, Task>? afterStep = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var strategy = StrategyRegistry.Get(config.Strategy);
        var state = strategy.Start(problem, config);
        return await ContinueAsync(strategy, state, context, afterStep, cancellationToken);
    }

    /// <summary>Continues a (possibly restored) state to the end.</summary>
    public static async Task<SearchResult> ContinueAsync(
        SearchStrategy strategy,
        SearchState state,
        SearchContext context,
        Func<SearchState, CancellationToken, Task>? afterStep = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(state);
        while (!state.Finished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await strategy.StepAsync(state, context, cancellationToken);
            if (afterStep is not null)
            {
                await afterStep(state, cancellationToken);
            }
        }

        return strategy.Finish(state);
    }
}
