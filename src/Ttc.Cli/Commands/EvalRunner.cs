using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Math;
using Ttc.Search;
using Ttc.Search.Decorators;

namespace Ttc.Cli.Commands;

/// <summary>Runs the evaluation grid with a progress bar, writing one result line per problem and run.</summary>
internal static class EvalRunner
{
    public static async Task<List<EvalRow>> RunAsync(
        List<(string Generator, string Strategy, int N, SearchConfig Config)> runs,
        List<EvalProblem> problems,
        InferenceOptions options,
        string prmName,
        string resultsPath,
        TextWriter stderr,
        Func<IReadOnlyList<EvalRow>, Task> rowDone,
        CancellationToken ct)
    {
        var rows = new List<EvalRow>();
        OnnxProcessRewardModel? prm = null;
        CachingProcessRewardModel? scorer = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        await using var results = new StreamWriter(resultsPath);
        try
        {
            foreach (var group in runs.GroupBy(r => r.Generator))
            {
                using var handle = ModelCatalog.OpenGenerator(group.Key, options);
                // Strategies that draw the same samples (same seeds) share them; compute is still reported per run.
                var generator = new CachingStepGenerator(handle.Generator);
                await console.Progress().AutoClear(false).StartAsync(async ctx =>
                {
                    foreach (var run in group)
                    {
                        var task = ctx.AddTask($"{run.Generator} {run.Strategy} n={run.N}", maxValue: problems.Count);
                        if (StrategyNames.UsesPrm(run.Strategy))
                        {
                            prm ??= ModelCatalog.OpenPrm(prmName, options);
                        }

                        var row = new EvalRow(run.Generator, run.Strategy, run.N);
                        var context = new SearchContext(generator, prm is null ? null : scorer ??= new CachingProcessRewardModel(prm));
                        var clock = Stopwatch.StartNew();
                        foreach (var p in problems)
                        {
                            var result = await SearchRunner.SolveAsync(p.Problem, run.Config, context, cancellationToken: ct);
                            bool correct = result.Answer is not null && MathEquivalence.AreEquivalent(result.Answer, p.Answer);
                            row.Add(p.Level, correct);
                            row.Compute.Add(result.Compute);
                            await results.WriteLineAsync(new JsonObject
                            {
                                ["generator"] = run.Generator, ["strategy"] = run.Strategy, ["n"] = run.N, ["unique_id"] = p.Id,
                                ["level"] = p.Level, ["gold"] = p.Answer, ["answer"] = result.Answer, ["correct"] = correct,
                                ["generatedTokens"] = result.Compute.GeneratedTokens, ["prmTokens"] = result.Compute.PrmTokens,
                            }.ToJsonString().AsMemory(), ct);
                            task.Increment(1);
                        }

                        row.Seconds = clock.Elapsed.TotalSeconds;
                        task.Description = $"{run.Generator} {run.Strategy} n={run.N}: {row.Accuracy:P1}";
                        rows.Add(row);
                        await rowDone(rows);
                    }
                });
            }
        }
        finally
        {
            prm?.Dispose();
        }

        return rows;
    }
}
