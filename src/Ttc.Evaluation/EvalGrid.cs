using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// Runs one unit of an evaluation grid over problems, the searches solved together by a
/// <see cref="SearchRunner"/> so their requests share model batches.
/// </summary>
public static class EvalGrid
{
    /// <summary>
    /// Searches to run at once so that one round's requests fill <paramref name="maxBatchSize"/>:
    /// each active search asks for up to n sequences per phase.
    /// </summary>
    public static int DefaultConcurrency(SearchConfig config, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(config);
        int perSearch = config.Strategy == StrategyNames.Greedy ? 1 : config.N;
        return System.Math.Max(1, (maxBatchSize + perSearch - 1) / perSearch);
    }

    /// <summary>
    /// Solves <paramref name="problems"/> with <paramref name="unit"/>'s settings on <paramref name="context"/>,
    /// <paramref name="concurrency"/> at a time; <paramref name="solved"/> gets each problem's lines as soon as
    /// they are known. A problem for which <paramref name="admit"/> gives a reason (it does not fit the models'
    /// context) gets skipped lines with that reason, and the others run.
    /// </summary>
    public static async Task RunAsync(
        EvalUnit unit,
        IReadOnlyList<EvalProblem> problems,
        SearchContext context,
        EvalCosts costs,
        int concurrency,
        Func<IReadOnlyList<EvalLine>, CancellationToken, Task> solved,
        Func<string, string?>? admit = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(solved);
        var strategy = StrategyRegistry.Get(unit.Config.Strategy);
        var admitted = new List<int>();
        for (int i = 0; i < problems.Count; i++)
        {
            if (admit?.Invoke(problems[i].Problem) is { } reason)
            {
                await solved(unit.SkippedLines(problems[i], reason), cancellationToken);
            }
            else
            {
                admitted.Add(i);
            }
        }

        await new SearchRunner(context, concurrency).RunAsync(
            admitted.Select(i => (i, strategy.Start(problems[i].Problem, unit.Config))),
            (i, result, ct) => solved(unit.Lines(problems[i], result, costs), ct),
            cancellationToken: cancellationToken);
    }
}
