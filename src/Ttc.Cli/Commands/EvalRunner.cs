using Spectre.Console;
using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.Search.Decorators;

namespace Ttc.Cli.Commands;

/// <summary>The CLI shell around <see cref="EvalSession"/>: opens the models as units need them, shows a progress bar with the time left.</summary>
internal static class EvalRunner
{
    public static async Task<EvalReport> RunAsync(EvalJob job, InferenceOptions options, string prmName, TextWriter stderr, CancellationToken ct)
    {
        var generators = new Dictionary<string, (GeneratorHandle Handle, CachingStepGenerator Cached, long Parameters)>(StringComparer.Ordinal);
        OnnxProcessRewardModel? prm = null;
        CachingProcessRewardModel? scorer = null;
        long prmParameters = 0;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        try
        {
            EvalBackend Backend(EvalUnit unit)
            {
                if (!generators.TryGetValue(unit.Generator, out var g))
                {
                    var handle = ModelCatalog.OpenGenerator(unit.Generator, options);
                    // Strategies that draw the same samples (same seeds) share them; each line still reports its own compute.
                    g = (handle, new CachingStepGenerator(handle.Generator), handle.Onnx is null ? 0 : EvalCosts.ParametersOfFolder(ModelCatalog.GeneratorFolder(unit.Generator)));
                    generators[unit.Generator] = g;
                }

                if (unit.UsesPrm && prm is null)
                {
                    prm = ModelCatalog.OpenPrm(prmName, options);
                    scorer = new CachingProcessRewardModel(prm);
                    prmParameters = EvalCosts.ParametersOfFolder(ModelCatalog.PrmFolder(prmName));
                }

                // A problem that does not fit the context is skipped with the reason; the others run.
                var budget = PromptBudget.For(g.Handle.Onnx, unit.UsesPrm ? prm : null);
                return new EvalBackend(new SearchContext(g.Cached, scorer), new EvalCosts(g.Parameters, unit.UsesPrm ? prmParameters : 0), problem => budget.Check(problem));
            }

            EvalReport? report = null;
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async progress => report = await EvalSession.RunAsync(job, Backend, new SpectreProgress(progress), ct));
            return report!;
        }
        finally
        {
            foreach (var g in generators.Values)
            {
                g.Handle.Dispose();
            }

            prm?.Dispose();
        }
    }

    // One bar for the whole grid, weighted by n so the time left is not dominated by the cheap cells.
    private sealed class SpectreProgress(ProgressContext context) : IEvalProgress
    {
        private ProgressTask? _task;

        public void Begin(double total) => _task = context.AddTask("eval", maxValue: System.Math.Max(1, total));

        public void Unit(EvalUnit unit, int problems)
        {
            if (_task is not null)
            {
                _task.Description = $"{unit} ({problems} problems)";
            }
        }

        public void Advance(double work) => _task?.Increment(work);
    }
}
