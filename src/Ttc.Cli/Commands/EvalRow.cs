using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>The outcome of one strategy x n x generator over a dataset.</summary>
internal sealed class EvalRow(string generator, string strategy, int n)
{
    public string Generator { get; } = generator;

    public string Strategy { get; } = strategy;

    public int N { get; } = n;

    public int Problems { get; set; }

    public int Correct { get; set; }

    public SortedDictionary<int, (int Correct, int Total)> PerLevel { get; } = [];

    public ComputeUsage Compute { get; } = new();

    public double Seconds { get; set; }

    public double Accuracy => Problems == 0 ? 0 : (double)Correct / Problems;

    public void Add(int? level, bool correct)
    {
        Problems++;
        Correct += correct ? 1 : 0;
        if (level is { } l)
        {
            var (c, t) = PerLevel.GetValueOrDefault(l);
            PerLevel[l] = (c + (correct ? 1 : 0), t + 1);
        }
    }

    public JsonObject ToJson()
    {
        var perLevel = new JsonObject();
        foreach (var (level, (c, t)) in PerLevel)
        {
            perLevel[level.ToString(CultureInfo.InvariantCulture)] = System.Math.Round((double)c / t, 4);
        }

        return new JsonObject
        {
            ["strategy"] = Strategy,
            ["n"] = N,
            ["generator"] = Generator,
            ["accuracy"] = System.Math.Round(Accuracy, 4),
            ["problems"] = Problems,
            ["correct"] = Correct,
            ["accuracyPerLevel"] = perLevel,
            ["compute"] = SolveCommand.ComputeJson(Compute, 0),
            ["generatedTokensPerProblem"] = Problems == 0 ? 0 : System.Math.Round((double)Compute.GeneratedTokens / Problems, 1),
            ["prmTokensPerProblem"] = Problems == 0 ? 0 : System.Math.Round((double)Compute.PrmTokens / Problems, 1),
            ["seconds"] = System.Math.Round(Seconds, 2),
        };
    }

    public static string Markdown(IReadOnlyList<EvalRow> rows)
    {
        var levels = rows.SelectMany(r => r.PerLevel.Keys).Distinct().Order().ToList();
        var sb = new StringBuilder();
        sb.Append("| generator | strategy | n | accuracy |");
        levels.ForEach(l => sb.Append(CultureInfo.InvariantCulture, $" L{l} |"));
        sb.AppendLine(" gen tokens / problem | PRM tokens / problem | s / problem |");
        sb.Append("|---|---|---:|---:|");
        levels.ForEach(_ => sb.Append("---:|"));
        sb.AppendLine("---:|---:|---:|");
        var ordered = rows.OrderBy(r => r.Generator, StringComparer.Ordinal)
            .ThenBy(r => StrategyNames.All.ToList().IndexOf(r.Strategy))
            .ThenBy(r => r.N);
        foreach (var r in ordered)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Generator} | {r.Strategy} | {r.N} | {r.Accuracy:P1} |");
            foreach (var l in levels)
            {
                sb.Append(r.PerLevel.TryGetValue(l, out var v) ? string.Format(CultureInfo.InvariantCulture, " {0:P0} |", (double)v.Correct / v.Total) : " - |");
            }

            double p = System.Math.Max(1, r.Problems);
            sb.AppendLine(CultureInfo.InvariantCulture, $" {r.Compute.GeneratedTokens / p:F0} | {r.Compute.PrmTokens / p:F0} | {r.Seconds / p:F2} |");
        }

        return sb.ToString();
    }
}
