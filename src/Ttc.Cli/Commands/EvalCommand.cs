using System.CommandLine;
using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc eval</c>: accuracy and compute of strategies x budgets x seeds x generators on a dataset (the grid is <see cref="EvalSession"/>'s).</summary>
internal static class EvalCommand
{
    /// <summary>Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Stopped = 130;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Option<string>("--dataset") { Description = "'synthetic' (the shipped held-out set), 'synthetic-dev' (the development split) or a JSONL file in the MATH-500 or GSM8K shape.", DefaultValueFactory = _ => "synthetic" };
        var limit = new Option<int>("--limit") { Description = "Problems to evaluate (from the start of the file).", DefaultValueFactory = _ => 200 };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated strategy names.", DefaultValueFactory = _ => string.Join(",", StrategyNames.All) };
        var ns = new Option<string>("--n") { Description = "Comma-separated budgets.", DefaultValueFactory = _ => "1,4,16,64,256" };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated search seeds, each a full run of the grid (default: the --seed value)." };
        var output = new Option<string>("--out") { Description = "Folder for results.jsonl, summary.json, table.md and the plots; a rerun with the same arguments resumes from its results.jsonl.", Required = true };
        var concurrency = new Option<int?>("--concurrency") { Description = "Problems solved at once, their model calls merged into shared batches (default: enough to fill the max batch of 64 sequences). Results do not depend on it." };
        var references = new Option<string?>("--reference") { Description = "Comma-separated generators run only for greedy and majority: the lines to beat in the plots (e.g. --generator small,large --reference large)." };
        var referenceN = new Option<int?>("--reference-n") { Description = "The largest n of the references' majority vote (default: the largest --n); a larger generator costs more per sample." };
        var difficulty = new Option<DifficultyMethod>("--difficulty") { Description = "Difficulty bins: level (the dataset's), oracle (quintiles of pass@1 over the samples), predicted (quintiles of the mean PRM score of the first samples) or auto (level when every problem has one, else oracle).", DefaultValueFactory = _ => DifficultyMethod.Auto };
        var search = new SearchOptions("strategy", "n");
        var command = new Command("eval", "Evaluate strategies x n x seeds x generators on a dataset; writes DIR/results.jsonl (one line per problem and cell), summary.json, table.md and PNG plots, and resumes from results.jsonl when rerun.")
        {
            dataset, limit, strategies, ns, seeds, output, concurrency, difficulty, references, referenceN,
        };
        search.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, search, new EvalRequest(
            parse.GetValue(dataset)!, parse.GetValue(limit), parse.GetValue(strategies)!, parse.GetValue(ns)!, parse.GetValue(seeds), parse.GetValue(output)!, parse.GetValue(concurrency), parse.GetValue(difficulty), parse.GetValue(references), parse.GetValue(referenceN)), stdout, stderr, ct));
        return command;
    }

    private sealed record EvalRequest(string Dataset, int Limit, string Strategies, string Ns, string? Seeds, string Out, int? Concurrency, DifficultyMethod Difficulty, string? References, int? ReferenceN);

    private static async Task<int> RunAsync(ParseResult parse, SearchOptions search, EvalRequest req, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var strategies = Split(req.Strategies);
        if (strategies.FirstOrDefault(s => !StrategyNames.All.Contains(s)) is { } unknown)
        {
            stderr.WriteLine($"error: --strategies: unknown strategy '{unknown}'; expected {string.Join(", ", StrategyNames.All)}");
            return ExitCodes.Usage;
        }

        if (Numbers(req.Ns, "--n", stderr, min: 1) is not { } budgets || Numbers(req.Seeds ?? "0", "--seeds", stderr, min: long.MinValue) is not { } seedList)
        {
            return ExitCodes.Usage;
        }

        if (req.Seeds is not null && parse.GetResult(search.Seed) is { Implicit: false })
        {
            stderr.WriteLine("error: --seeds: give either --seed or --seeds");
            return ExitCodes.Usage;
        }

        if (req.Concurrency is < 1 || req.Limit < 1)
        {
            stderr.WriteLine(req.Limit < 1 ? $"error: --limit: must be at least 1 (got {req.Limit})" : $"error: --concurrency: must be at least 1 (got {req.Concurrency})");
            return ExitCodes.Usage;
        }

        try
        {
            var path = ModelCatalog.DatasetPath(req.Dataset);
            if (!File.Exists(path))
            {
                stderr.WriteLine($"error: --dataset: file '{path}' does not exist");
                return ExitCodes.Error;
            }

            int badLines = 0;
            var problems = ModelCatalog.ReadDataset(path, req.Limit, s =>
            {
                stderr.WriteLine($"line {s.Line}: {s.Reason}; skipped");
                badLines++;
            });

            // Without --seeds the grid has the one seed of --seed (or its default).
            List<long> seeds = req.Seeds is null ? [search.Build(parse, StrategyNames.Greedy, 1).Seed] : seedList;
            var intbudgets = budgets.Select(b => (int)b).ToList();
            int adaptiveRound = search.Build(parse, StrategyNames.Majority, intbudgets.Max()).AdaptiveRound;
            var generators = Split(parse.GetValue(search.Generator)!);
            var units = EvalPlan.Build(generators, strategies, intbudgets, seeds, (s, n, seed) => search.Build(parse, s, n, seed, fitBeamWidth: true), adaptiveRound, references: Split(req.References ?? string.Empty), referenceMaxN: req.ReferenceN);
            var job = new EvalJob(req.Dataset, problems, units, seeds, req.Out, req.Difficulty, req.Concurrency);
            var options = ModelCatalog.Options(parse.GetValue(search.Device)!);
            if (units.Any(u => u.Pool))
            {
                stderr.WriteLine("note: " + EvalPlan.SubsamplingNote);
            }

            EvalReport report;
            try
            {
                report = await EvalRunner.RunAsync(job, options, parse.GetValue(search.Prm)!, stderr, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                stderr.WriteLine($"stopped: every finished problem is in {Path.Combine(req.Out, "results.jsonl")}; run the same command again to resume.");
                return Stopped;
            }

            stdout.Write(EvalSummary.Markdown(report.Rows, report.Difficulty));
            if (report.Resumed > 0)
            {
                stderr.WriteLine($"resumed: {report.Resumed} problem x unit pairs were already in results.jsonl and were not run again");
            }

            foreach (var plot in report.Plots)
            {
                stderr.WriteLine("plot: " + plot);
            }

            // Each problem that did not fit is reported once per generator (every cell of it skipped the problem).
            var unfit = report.Lines.Where(l => l.Skipped is not null).Select(l => (l.Generator, l.UniqueId, l.Skipped)).Distinct().ToList();
            foreach (var (generator, id, reason) in unfit)
            {
                stderr.WriteLine($"{id} ({generator}): {reason}; skipped");
            }

            return badLines > 0 || unfit.Count > 0 ? ExitCodes.SkippedInput : ExitCodes.Ok;
        }
        catch (SearchConfigException ex)
        {
            return SearchOptions.Report(ex, stderr);
        }
        catch (ModelLoadException ex)
        {
            stderr.WriteLine("error: " + ex.Message);
            return ExitCodes.Error;
        }
    }

    private static List<string> Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static List<long>? Numbers(string text, string option, TextWriter stderr, long min)
    {
        var values = new List<long>();
        foreach (var part in Split(text))
        {
            if (!long.TryParse(part, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long v) || v < min || (min == 1 && v > SearchConfig.MaxN))
            {
                stderr.WriteLine(min == 1 ? $"error: {option}: '{part}' is not a whole number from 1 to {SearchConfig.MaxN}" : $"error: {option}: '{part}' is not a whole number");
                return null;
            }

            values.Add(v);
        }

        return values.Count > 0 ? values : Fail();

        List<long>? Fail()
        {
            stderr.WriteLine($"error: {option}: give at least one value");
            return null;
        }
    }
}
