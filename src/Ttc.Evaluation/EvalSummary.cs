using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>One row of summary.json and table.md: a generator, strategy (its label) and n over every seed and problem.</summary>
/// <param name="Generator">The generator.</param>
/// <param name="Strategy">The cell's label: the strategy, with "(adaptive)" when it stops early.</param>
/// <param name="N">The budget.</param>
/// <param name="Seeds">Seeds the row pools.</param>
/// <param name="Subsampled">Whether the row comes from a pool of samples at the largest n.</param>
/// <param name="Accuracy">Accuracy over problems x seeds, per difficulty bin in its levels.</param>
/// <param name="GeneratedTokens">Generated tokens per problem.</param>
/// <param name="PrmTokens">PRM tokens per problem.</param>
/// <param name="Flops">Estimated FLOPs per problem.</param>
/// <param name="Seconds">Seconds of inference per problem.</param>
/// <param name="Skipped">Problems skipped (they do not fit the models' context), with the reason.</param>
public sealed record EvalSummaryRow(
    string Generator,
    string Strategy,
    int N,
    int Seeds,
    bool Subsampled,
    AccuracyTally Accuracy,
    double GeneratedTokens,
    double PrmTokens,
    double Flops,
    double Seconds,
    IReadOnlyList<(string Id, string Reason)> Skipped)
{
    /// <summary>The summary.json row.</summary>
    public JsonObject ToJson()
    {
        var row = new JsonObject
        {
            ["generator"] = Generator,
            ["strategy"] = Strategy,
            ["n"] = N,
            ["seeds"] = Seeds,
            ["subsampled"] = Subsampled,
        };
        var accuracy = Accuracy.ToJson();
        row["accuracy"] = accuracy["accuracy"]!.DeepClone();
        row["correct"] = accuracy["correct"]!.DeepClone();
        row["problems"] = accuracy["problems"]!.DeepClone();
        row["accuracyPerDifficulty"] = accuracy["accuracyPerLevel"]!.DeepClone();
        row["generatedTokensPerProblem"] = System.Math.Round(GeneratedTokens, 1);
        row["prmTokensPerProblem"] = System.Math.Round(PrmTokens, 1);
        row["flopsPerProblem"] = System.Math.Round(Flops);
        row["secondsPerProblem"] = System.Math.Round(Seconds, 4);
        row["skipped"] = Skipped.Count;
        row["skippedProblems"] = new JsonArray(Skipped.Select(x => (JsonNode)new JsonObject { ["uniqueId"] = x.Id, ["reason"] = x.Reason }).ToArray());
        return row;
    }
}

/// <summary>The summary of an evaluation's lines: rows, summary.json and table.md.</summary>
public static class EvalSummary
{
    /// <summary>One row per generator x label x n, in table order (generator, strategy, n).</summary>
    public static IReadOnlyList<EvalSummaryRow> Rows(IEnumerable<EvalLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var rows = new List<EvalSummaryRow>();
        foreach (var cell in lines.GroupBy(l => (l.Generator, l.Label, l.N)))
        {
            var tally = new AccuracyTally();
            var solved = cell.Where(l => l.Skipped is null).ToList();
            foreach (var l in solved)
            {
                tally.Add(l.Difficulty, l.Correct);
            }

            double count = System.Math.Max(1, solved.Count);
            var skipped = cell.Where(l => l.Skipped is not null).Select(l => (l.UniqueId, l.Skipped!)).Distinct().ToList();
            rows.Add(new EvalSummaryRow(
                cell.Key.Generator,
                cell.Key.Label,
                cell.Key.N,
                cell.Select(l => l.Seed).Distinct().Count(),
                cell.Any(l => l.Subsampled),
                tally,
                solved.Sum(l => (double)l.GeneratedTokens) / count,
                solved.Sum(l => (double)l.PrmTokens) / count,
                solved.Sum(l => l.Flops) / count,
                solved.Sum(l => l.Seconds) / count,
                skipped));
        }

        return rows.OrderBy(r => r.Generator, StringComparer.Ordinal)
            .ThenBy(r => Order(r.Strategy))
            .ThenBy(r => r.Strategy, StringComparer.Ordinal)
            .ThenBy(r => r.N)
            .ToList();
    }

    /// <summary>summary.json.</summary>
    public static JsonObject ToJson(string dataset, int problems, IReadOnlyList<long> seeds, DifficultyMethod difficulty, bool complete, IReadOnlyList<EvalSummaryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(rows);
        return new JsonObject
        {
            ["dataset"] = dataset,
            ["problems"] = problems,
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode)s).ToArray()),
            ["difficulty"] = difficulty.ToString().ToLowerInvariant(),
            ["complete"] = complete,
            ["note"] = EvalPlan.SubsamplingNote,
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)r.ToJson()).ToArray()),
        };
    }

    /// <summary>The rows as a Markdown table, with the subsampling note and the skipped problems.</summary>
    public static string Markdown(IReadOnlyList<EvalSummaryRow> rows, DifficultyMethod difficulty)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var bins = rows.SelectMany(r => r.Accuracy.Levels).Distinct().Order().ToList();
        string prefix = difficulty == DifficultyMethod.Level ? "L" : "D";
        var sb = new StringBuilder();
        sb.Append("| generator | strategy | n | accuracy |");
        bins.ForEach(b => sb.Append(CultureInfo.InvariantCulture, $" {prefix}{b} |"));
        sb.AppendLine(" gen tokens / problem | PRM tokens / problem | GFLOPs / problem | s / problem |");
        sb.Append("|---|---|---:|---:|");
        bins.ForEach(_ => sb.Append("---:|"));
        sb.AppendLine("---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Generator} | {r.Strategy} | {r.N} | {r.Accuracy.Accuracy:P1} |");
            foreach (var b in bins)
            {
                sb.Append(r.Accuracy.AccuracyAt(b) is { } a ? string.Format(CultureInfo.InvariantCulture, " {0:P0} |", a) : " - |");
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $" {r.GeneratedTokens:F0} | {r.PrmTokens:F0} | {r.Flops / 1e9:G3} | {r.Seconds:F3} |");
        }

        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Difficulty: {Describe(difficulty)}. Note: {EvalPlan.SubsamplingNote}");
        foreach (var r in rows.Where(r => r.Skipped.Count > 0))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"\n{r.Generator} {r.Strategy} n={r.N}: {r.Skipped.Count} problem(s) skipped (they do not fit the models' context; accuracy is over the other {r.Accuracy.Problems}).");
        }

        return sb.ToString();
    }

    /// <summary>How the difficulty bins were made, in words.</summary>
    public static string Describe(DifficultyMethod difficulty) => difficulty switch
    {
        DifficultyMethod.Oracle => "D1-D5 are quintiles of pass@1 over the pool's samples (oracle), D1 the easiest",
        DifficultyMethod.Predicted => "D1-D5 are quintiles of the mean PRM score of the first samples (predicted), D1 the easiest",
        _ => "the dataset's level",
    };

    private static int Order(string label)
    {
        int i = StrategyNames.All.ToList().IndexOf(label.Split(' ')[0]);
        return i < 0 ? int.MaxValue : i;
    }
}
