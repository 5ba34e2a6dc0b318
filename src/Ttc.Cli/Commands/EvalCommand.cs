using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc eval</c>: accuracy and compute of strategies x budgets x generators on a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Option<string>("--dataset") { Description = "'synthetic' (the shipped held-out set) or a JSONL file with problem, answer, level.", DefaultValueFactory = _ => "synthetic" };
        var limit = new Option<int>("--limit") { Description = "Problems to evaluate (from the start of the file).", DefaultValueFactory = _ => 200 };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated strategy names.", DefaultValueFactory = _ => string.Join(",", StrategyNames.All) };
        var ns = new Option<string>("--n") { Description = "Comma-separated budgets.", DefaultValueFactory = _ => "1,4,16" };
        var output = new Option<string>("--out") { Description = "Folder for summary.json, results.jsonl and table.md.", Required = true };
        var concurrency = new Option<int?>("--concurrency") { Description = "Problems solved at once, their model calls merged into shared batches (default: enough to fill the max batch of 64 sequences). Results do not depend on it." };
        var search = new SearchOptions("strategy", "n");
        var command = new Command("eval", "Evaluate strategies x n x generators on a dataset; writes DIR/summary.json (rows with accuracy and compute), results.jsonl and table.md.") { dataset, limit, strategies, ns, output, concurrency };
        search.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, search, new EvalRequest(
            parse.GetValue(dataset)!, parse.GetValue(limit), parse.GetValue(strategies)!, parse.GetValue(ns)!, parse.GetValue(output)!, parse.GetValue(concurrency)), stdout, stderr, ct));
        return command;
    }

    private sealed record EvalRequest(string Dataset, int Limit, string Strategies, string Ns, string Out, int? Concurrency);

    private static async Task<int> RunAsync(ParseResult parse, SearchOptions search, EvalRequest req, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var strategies = req.Strategies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (strategies.FirstOrDefault(s => !StrategyNames.All.Contains(s)) is { } unknown)
        {
            stderr.WriteLine($"error: --strategies: unknown strategy '{unknown}'; expected {string.Join(", ", StrategyNames.All)}");
            return ExitCodes.Usage;
        }

        var budgets = new List<int>();
        foreach (var part in req.Ns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out int n) || n < 1)
            {
                stderr.WriteLine($"error: --n: '{part}' is not a positive integer");
                return ExitCodes.Usage;
            }

            budgets.Add(n);
        }

        if (req.Concurrency is < 1)
        {
            stderr.WriteLine($"error: --concurrency: must be at least 1 (got {req.Concurrency})");
            return ExitCodes.Usage;
        }

        if (req.Limit < 1)
        {
            stderr.WriteLine($"error: --limit: must be at least 1 (got {req.Limit})");
            return ExitCodes.Usage;
        }

        try
        {
            var path = req.Dataset == "synthetic" ? ModelCatalog.SyntheticTestSet() : req.Dataset;
            if (!File.Exists(path))
            {
                stderr.WriteLine($"error: --dataset: file '{path}' does not exist");
                return ExitCodes.Error;
            }

            int skipped = 0;
            var problems = ModelCatalog.ReadDataset(path, req.Limit, s =>
            {
                stderr.WriteLine($"line {s.Line}: {s.Reason}; skipped");
                skipped++;
            });

            var runs = new List<EvalRun>();
            // Budget-major order: every strategy at a small n is measured before any at a large n.
            foreach (var g in parse.GetValue(search.Generator)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var n in budgets.Order())
                {
                    foreach (var s in strategies.Where(s => s != StrategyNames.Greedy || n == budgets.Min()))
                    {
                        int budget = s == StrategyNames.Greedy ? 1 : n;
                        runs.Add(new EvalRun(g, search.Build(parse, s, budget, fitBeamWidth: true)));
                    }
                }
            }

            Directory.CreateDirectory(req.Out);
            // The summary is rewritten after every row, so a long run that is stopped keeps what it measured.
            async Task WriteSummaryAsync(IReadOnlyList<EvalRow> done)
            {
                var summary = new JsonObject
                {
                    ["dataset"] = req.Dataset,
                    ["problems"] = problems.Count,
                    ["seed"] = runs.Count > 0 ? runs[0].Config.Seed : new SearchConfig().Seed,
                    ["complete"] = done.Count == runs.Count,
                    ["rows"] = new JsonArray(done.Select(r => (JsonNode)r.ToJson()).ToArray()),
                };
                await File.WriteAllTextAsync(Path.Combine(req.Out, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
                await File.WriteAllTextAsync(Path.Combine(req.Out, "table.md"), EvalRow.Markdown(done), ct);
            }

            var rows = await EvalRunner.RunAsync(runs, problems, ModelCatalog.Options(parse.GetValue(search.Device)!), parse.GetValue(search.Prm)!, req.Concurrency, Path.Combine(req.Out, "results.jsonl"), stderr, WriteSummaryAsync, ct);
            var table = EvalRow.Markdown(rows);
            stdout.Write(table);
            // Each problem that did not fit is reported once per generator (every run of it skipped the problem).
            var unfit = rows.SelectMany(r => r.Skipped.Select(x => (r.Run.Generator, x.Id, x.Reason))).Distinct().ToList();
            foreach (var (generator, id, reason) in unfit)
            {
                stderr.WriteLine($"{id} ({generator}): {reason}; skipped");
            }

            return skipped > 0 || unfit.Count > 0 ? ExitCodes.SkippedInput : ExitCodes.Ok;
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
}
