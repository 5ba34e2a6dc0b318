using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.Math;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>One problem solved (or skipped) in one run.</summary>
/// <param name="Run">The grid cell.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Result">The search's result (null when skipped).</param>
/// <param name="Correct">Whether its answer is equivalent to the gold one.</param>
/// <param name="Skipped">Why the problem was not run (it does not fit the models' context), or null.</param>
public sealed record EvalOutcome(EvalRun Run, EvalProblem Problem, SearchResult? Result, bool Correct, string? Skipped = null)
{
    /// <summary>The results.jsonl line (a skipped problem has <c>skipped</c> with the reason instead of an answer).</summary>
    public JsonObject ToJson()
    {
        var line = new JsonObject
        {
            ["generator"] = Run.Generator,
            ["strategy"] = Run.Config.Strategy,
            ["n"] = Run.Config.N,
            ["seed"] = Run.Config.Seed,
            ["uniqueId"] = Problem.Id,
            ["level"] = Problem.Level,
            ["gold"] = Problem.Answer,
        };
        if (Result is null)
        {
            line["skipped"] = Skipped;
            return line;
        }

        line["answer"] = Result.Answer;
        line["correct"] = Correct;
        line["generatedTokens"] = Result.Compute.GeneratedTokens;
        line["prmTokens"] = Result.Compute.PrmTokens;
        return line;
    }
}

/// <summary>
/// Runs an evaluation grid: every run over every problem, each run's problems solved together by a
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
    /// Solves <paramref name="problems"/> with <paramref name="run"/>'s settings on <paramref name="context"/>,
    /// <paramref name="concurrency"/> at a time; <paramref name="solved"/> sees each outcome as it is known.
    /// A problem for which <paramref name="admit"/> gives a reason (it does not fit the models' context)
    /// is recorded as skipped with that reason, and the others run.
    /// </summary>
    public static async Task<EvalRow> RunAsync(
        EvalRun run,
        IReadOnlyList<EvalProblem> problems,
        SearchContext context,
        int concurrency,
        Func<EvalOutcome, CancellationToken, Task> solved,
        Func<string, string?>? admit = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(solved);
        var strategy = StrategyRegistry.Get(run.Config.Strategy);
        var row = new EvalRow(run);
        var outcomes = new EvalOutcome?[problems.Count];
        var clock = Stopwatch.StartNew();
        var admitted = new List<int>();
        for (int i = 0; i < problems.Count; i++)
        {
            if (admit?.Invoke(problems[i].Problem) is { } reason)
            {
                outcomes[i] = new EvalOutcome(run, problems[i], null, false, reason);
                await solved(outcomes[i]!, cancellationToken);
            }
            else
            {
                admitted.Add(i);
            }
        }

        await new SearchRunner(context, concurrency).RunAsync(
            admitted.Select(i => (i, strategy.Start(problems[i].Problem, run.Config))),
            async (i, result, ct) =>
            {
                var p = problems[i];
                bool correct = result.Answer is not null && MathEquivalence.AreEquivalent(result.Answer, p.Answer);
                outcomes[i] = new EvalOutcome(run, p, result, correct);
                await solved(outcomes[i]!, ct);
            },
            cancellationToken: cancellationToken);
        row.Seconds = clock.Elapsed.TotalSeconds;

        // Tallied in dataset order, so the row does not depend on which search finished first.
        foreach (var o in outcomes)
        {
            if (o!.Result is null)
            {
                row.Skip(o.Problem.Id, o.Skipped!);
            }
            else
            {
                row.Add(o.Problem.Level, o.Correct, o.Result.Compute);
            }
        }

        return row;
    }
}
