using System.Diagnostics;
using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>
/// Problems per minute of whole searches at concurrency 1 and K on the shipped models, and the mean
/// model batch each reached (figures printed, ratios measured in one run, never asserted).
/// </summary>
internal static class SearchBench
{
    public static async Task<int> RunAsync(int problems, int concurrency, InferenceOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var errors = options.Validate().ToList();
        if (problems < 1)
        {
            errors.Add($"problems: must be at least 1 (got {problems})");
        }

        if (concurrency < 1)
        {
            errors.Add($"concurrency: must be at least 1 (got {concurrency})");
        }

        if (errors.Count > 0)
        {
            // "intraOpThreads: ..." is reported as the option that carries it.
            errors.ForEach(e => stderr.WriteLine("error: --" + string.Concat(e.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()))));
            return ExitCodes.Usage;
        }

        var dataset = ModelCatalog.ReadDataset("synthetic", problems + 8);
        var warmUp = dataset.Skip(problems).ToList();
        var measured = dataset.Take(problems).ToList();
        stdout.WriteLine($"search throughput, small generator, {measured.Count} synthetic problems, {Environment.ProcessorCount} cores, "
            + $"intraOpThreads {options.ResolvedIntraOpThreads}, decodeParallelism {options.ResolvedDecodeParallelism}");
        foreach (var config in new[]
        {
            new SearchConfig { Strategy = StrategyNames.BestOfN, N = 4, Seed = 0 },
            new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 16, BeamWidth = 4, Seed = 0 },
        })
        {
            Measurement? alone = null;
            foreach (int k in new[] { 1, concurrency })
            {
                var m = await MeasureAsync(config, measured, warmUp, options, k, ct);
                alone ??= m;
                stdout.WriteLine($"{config.Strategy} n={config.N}, concurrency {k,2}: {m.PerMinute,7:F1} problems/min ({m.PerMinute / alone.PerMinute:F2}x concurrency 1); "
                    + $"mean batch {m.Stats.MeanGenerationBatch:F1} sequences per generator call, {m.Stats.MeanScoringBatch:F1} per PRM call; "
                    + $"busy time: generator {m.GeneratorShare:P0}, PRM {m.PrmShare:P0} of the run (they overlap in {m.Stats.OverlappedRounds} rounds); the PRM read {1 - m.PrmCachedShare:P0} of its input tokens (the rest from its cache); accuracy {m.Accuracy:P1}");
            }
        }

        return ExitCodes.Ok;
    }

    private sealed record Measurement(double PerMinute, RunnerStats Stats, double Accuracy, double GeneratorShare, double PrmShare, double PrmCachedShare);

    private static async Task<Measurement> MeasureAsync(SearchConfig config, List<EvalProblem> problems, List<EvalProblem> warmUp, InferenceOptions options, int concurrency, CancellationToken ct)
    {
        // Fresh models per measurement, so no run reuses another's caches.
        using var onnxGenerator = OnnxStepGenerator.Open(ModelCatalog.GeneratorFolder("small"), options);
        using var onnxPrm = ModelCatalog.OpenPrm("prm", options);
        var context = new SearchContext(onnxGenerator, onnxPrm);
        var strategy = StrategyRegistry.Get(config.Strategy);
        await new SearchRunner(context, concurrency).RunAsync(warmUp.Select((p, i) => (i, strategy.Start(p.Problem, config))), (_, _, _) => Task.CompletedTask, cancellationToken: ct);

        var runner = new SearchRunner(context, concurrency);
        var tally = new AccuracyTally();
        long readBefore = onnxPrm.ReadTokens;
        var clock = Stopwatch.StartNew();
        await runner.RunAsync(
            problems.Select((p, i) => (i, strategy.Start(p.Problem, config))),
            (i, r, _) =>
            {
                tally.Add(problems[i].Level, r.Answer is not null && Ttc.Math.MathEquivalence.AreEquivalent(r.Answer, problems[i].Answer));
                return Task.CompletedTask;
            },
            cancellationToken: ct);
        var total = clock.Elapsed;
        var stats = runner.Stats;
        return new Measurement(
            problems.Count / total.TotalMinutes,
            stats,
            tally.Accuracy,
            stats.GenerationSeconds / total.TotalSeconds,
            stats.ScoringSeconds / total.TotalSeconds,
            stats.ScoredTokens == 0 || !onnxPrm.IsIncremental ? 0 : 1 - ((double)(onnxPrm.ReadTokens - readBefore) / stats.ScoredTokens));
    }
}
