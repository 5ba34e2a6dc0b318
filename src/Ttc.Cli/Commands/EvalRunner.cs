using Spectre.Console;
using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.Search.Decorators;

namespace Ttc.Cli.Commands;

/// <summary>The CLI shell around <see cref="EvalGrid"/>: opens the models, shows a progress bar, writes results as they come.</summary>
internal static class EvalRunner
{
    public static async Task<List<EvalRow>> RunAsync(
        IReadOnlyList<EvalRun> runs,
        IReadOnlyList<EvalProblem> problems,
        InferenceOptions options,
        string prmName,
        int? concurrency,
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
                await console.Progress().AutoClear(false).StartAsync(async progress =>
                {
                    foreach (var run in group)
                    {
                        var task = progress.AddTask(run.ToString(), maxValue: problems.Count);
                        if (StrategyNames.UsesPrm(run.Config.Strategy))
                        {
                            prm ??= ModelCatalog.OpenPrm(prmName, options);
                        }

                        bool usesPrm = StrategyNames.UsesPrm(run.Config.Strategy);
                        var context = new SearchContext(generator, prm is null ? null : scorer ??= new CachingProcessRewardModel(prm));
                        // A problem that does not fit the context is skipped with the reason; the others run.
                        var budget = PromptBudget.For(handle.Onnx, usesPrm ? prm : null);
                        int k = concurrency ?? EvalGrid.DefaultConcurrency(run.Config, options.MaxBatchSize);
                        var row = await EvalGrid.RunAsync(
                            run,
                            problems,
                            context,
                            k,
                            async (outcome, token) =>
                            {
                                await results.WriteLineAsync(outcome.ToJson().ToJsonString().AsMemory(), token);
                                task.Increment(1);
                            },
                            problem => budget.Check(problem),
                            ct);
                        task.Description = $"{run}: {row.Accuracy.Accuracy:P1}";
                        rows.Add(row);
                        await results.FlushAsync(ct);
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
