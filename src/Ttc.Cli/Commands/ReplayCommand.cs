using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Ttc.Search;
using Ttc.Evaluation;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc replay FILE</c>: recomputes majority / Best-of-N / weighted predictions from a search-and-learn result file.</summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "JSONL in search-and-learn's result format (completions, scores, answer or solution, level)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (problems and accuracy) instead of a table." };
        var aggregation = new Option<string>("--aggregation") { Description = "How step scores are aggregated: last (the reference), min or prod.", DefaultValueFactory = _ => "last" };
        var command = new Command("replay", "Recompute pred_maj@k, pred_naive@k and pred_weighted@k and their accuracy, overall and per level.") { file, json, aggregation };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(json), parse.GetValue(aggregation)!, stdout, stderr));
        return command;
    }

    internal static int Run(string path, bool asJson, string aggregationName, TextWriter stdout, TextWriter stderr)
    {
        if (!ScoreAggregation.TryParse(aggregationName, out var aggregation))
        {
            stderr.WriteLine($"error: --aggregation must be last, min or prod (got '{aggregationName}')");
            return ExitCodes.Usage;
        }

        if (!File.Exists(path))
        {
            stderr.WriteLine($"error: result file '{path}' does not exist");
            return ExitCodes.Error;
        }

        int skipped = 0;
        var problems = new List<ReplayProblem>();
        using (var reader = new StreamReader(path))
        {
            foreach (var line in Jsonl.Read(reader, stderr, () => skipped++))
            {
                if (Parse(line, out var error) is { } p)
                {
                    problems.Add(p);
                }
                else
                {
                    stderr.WriteLine($"line {line.Number}: {error}; skipped");
                    skipped++;
                }
            }
        }

        var outcomes = Score(problems, aggregation);
        var rows = AccuracyTable.Build(outcomes);
        if (asJson)
        {
            stdout.WriteLine(ToJson(outcomes, rows).ToJsonString());
        }
        else
        {
            WriteTable(rows, outcomes.Count, stdout);
        }

        if (skipped > 0)
        {
            stderr.WriteLine($"{skipped} malformed line(s) skipped");
        }

        return skipped > 0 ? ExitCodes.SkippedInput : ExitCodes.Ok;
    }

    /// <summary>Scores problems in parallel, keeping file order.</summary>
    internal static IReadOnlyList<ReplayOutcome> Score(IReadOnlyList<ReplayProblem> problems, AggregationStrategy aggregation)
    {
        var outcomes = new ReplayOutcome[problems.Count];
        Parallel.For(0, problems.Count, i => outcomes[i] = ReplayScorer.Score(problems[i], aggregation));
        return outcomes;
    }

    internal static ReplayProblem? Parse(JsonlLine line, out string? error)
    {
        var o = line.Value;
        error = null;
        if (o["completions"] is not JsonArray completions || completions.Any(c => c is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            error = "field 'completions' must be an array of strings";
            return null;
        }

        if (o["scores"] is not JsonArray scores || scores.Count != completions.Count)
        {
            error = $"field 'scores' must be an array with one list of step scores per completion ({completions.Count})";
            return null;
        }

        var stepScores = new List<IReadOnlyList<double>>();
        foreach (var s in scores)
        {
            if (s is not JsonArray steps || steps.Any(x => x is not JsonValue xv || !xv.TryGetValue<double>(out _)))
            {
                error = "field 'scores' must hold arrays of numbers";
                return null;
            }

            stepScores.Add(steps.Select(x => x!.GetValue<double>()).ToList());
        }

        var gold = Dataset.Gold(o, out error);
        if (gold is null)
        {
            return null;
        }

        var id = Dataset.Id(o, line.Number);
        var level = Dataset.Level(o["level"]);
        return new ReplayProblem(id, level, gold, completions.Select(c => c!.GetValue<string>()).ToList(), stepScores);
    }

    internal static JsonObject ToJson(IReadOnlyList<ReplayOutcome> outcomes, IReadOnlyList<AccuracyRow> rows)
    {
        var problems = new JsonArray();
        foreach (var o in outcomes)
        {
            var p = new JsonObject { ["uniqueId"] = o.Problem.UniqueId, ["level"] = o.Problem.Level, ["answer"] = o.Problem.Gold };
            foreach (var s in o.Subsets)
            {
                p[$"pred_maj@{s.K}"] = s.Majority;
                p[$"pred_naive@{s.K}"] = s.Naive;
                p[$"pred_weighted@{s.K}"] = s.Weighted;
            }

            problems.Add(p);
        }

        var accuracy = new JsonArray();
        foreach (var r in rows)
        {
            var row = r.Tally.ToJson();
            row.Insert(0, "method", r.Method);
            row.Insert(1, "k", r.K);
            accuracy.Add(row);
        }

        return new JsonObject { ["problems"] = problems, ["accuracy"] = accuracy };
    }

    private static void WriteTable(IReadOnlyList<AccuracyRow> rows, int problemCount, TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        var levels = rows.SelectMany(r => r.Tally.Levels).Distinct().Order().ToList();
        var table = new Table().Title($"Replay of {problemCount} problem(s)");
        table.AddColumn("method");
        table.AddColumn(new TableColumn("k").RightAligned());
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var l in levels)
        {
            table.AddColumn(new TableColumn($"level {l}").RightAligned());
        }

        foreach (var r in rows)
        {
            var cells = new List<string> { r.Method, r.K.ToString(), $"{r.Tally.Accuracy:P1} ({r.Tally.Correct}/{r.Tally.Problems})" };
            cells.AddRange(levels.Select(l => r.Tally.AccuracyAt(l) is { } a ? $"{a:P1}" : "-"));
            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }
}
