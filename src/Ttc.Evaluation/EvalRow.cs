using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>One cell of the evaluation grid: a generator and a search configuration (strategy, n, seed...).</summary>
/// <param name="Generator">The generator's name ("small", "large" or a folder).</param>
/// <param name="Config">The search settings.</param>
public sealed record EvalRun(string Generator, SearchConfig Config)
{
    /// <summary>"small beam_search n=16".</summary>
    public override string ToString() => $"{Generator} {Config.Strategy} n={Config.N}";
}

/// <summary>The outcome of one <see cref="EvalRun"/> over a dataset: accuracy and compute.</summary>
public sealed class EvalRow(EvalRun run)
{
    /// <summary>The grid cell.</summary>
    public EvalRun Run { get; } = run ?? throw new ArgumentNullException(nameof(run));

    /// <summary>Accuracy overall and per level.</summary>
    public AccuracyTally Accuracy { get; } = new();

    /// <summary>Compute summed over problems.</summary>
    public ComputeUsage Compute { get; } = new();

    /// <summary>Wall-clock seconds the run took.</summary>
    public double Seconds { get; set; }

    /// <summary>Problems not run, with the reason (they do not fit the models' context); accuracy is over the others.</summary>
    public List<(string Id, string Reason)> Skipped { get; } = [];

    /// <summary>Records a problem that was not run.</summary>
    public void Skip(string id, string reason) => Skipped.Add((id, reason));

    /// <summary>Counts one solved problem.</summary>
    public void Add(int? level, bool correct, ComputeUsage compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        Accuracy.Add(level, correct);
        Compute.Add(compute);
    }

    /// <summary>The summary.json row.</summary>
    public JsonObject ToJson()
    {
        int problems = System.Math.Max(1, Accuracy.Problems);
        var row = new JsonObject
        {
            ["generator"] = Run.Generator,
            ["strategy"] = Run.Config.Strategy,
            ["n"] = Run.Config.N,
            ["seed"] = Run.Config.Seed,
        };
        foreach (var (key, value) in Accuracy.ToJson())
        {
            row[key] = value?.DeepClone();
        }

        row["compute"] = System.Text.Json.JsonSerializer.SerializeToNode(Compute, TtcJson.Options);
        row["generatedTokensPerProblem"] = System.Math.Round((double)Compute.GeneratedTokens / problems, 1);
        row["prmTokensPerProblem"] = System.Math.Round((double)Compute.PrmTokens / problems, 1);
        row["seconds"] = System.Math.Round(Seconds, 2);
        row["skipped"] = Skipped.Count;
        row["skippedProblems"] = new JsonArray(Skipped.Select(x => (JsonNode)new JsonObject { ["uniqueId"] = x.Id, ["reason"] = x.Reason }).ToArray());
        return row;
    }

    /// <summary>The rows as a Markdown table (generator, strategy, n order).</summary>
    public static string Markdown(IReadOnlyList<EvalRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var levels = rows.SelectMany(r => r.Accuracy.Levels).Distinct().Order().ToList();
        var sb = new StringBuilder();
        sb.Append("| generator | strategy | n | accuracy |");
        levels.ForEach(l => sb.Append(CultureInfo.InvariantCulture, $" L{l} |"));
        sb.AppendLine(" gen tokens / problem | PRM tokens / problem | s / problem |");
        sb.Append("|---|---|---:|---:|");
        levels.ForEach(_ => sb.Append("---:|"));
        sb.AppendLine("---:|---:|---:|");
        var ordered = rows.OrderBy(r => r.Run.Generator, StringComparer.Ordinal)
            .ThenBy(r => StrategyNames.All.ToList().IndexOf(r.Run.Config.Strategy))
            .ThenBy(r => r.Run.Config.N);
        foreach (var r in ordered)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Run.Generator} | {r.Run.Config.Strategy} | {r.Run.Config.N} | {r.Accuracy.Accuracy:P1} |");
            foreach (var l in levels)
            {
                sb.Append(r.Accuracy.AccuracyAt(l) is { } a ? string.Format(CultureInfo.InvariantCulture, " {0:P0} |", a) : " - |");
            }

            double p = System.Math.Max(1, r.Accuracy.Problems);
            sb.AppendLine(CultureInfo.InvariantCulture, $" {r.Compute.GeneratedTokens / p:F0} | {r.Compute.PrmTokens / p:F0} | {r.Seconds / p:F2} |");
        }

        foreach (var r in ordered.Where(r => r.Skipped.Count > 0))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"\n{r.Run}: {r.Skipped.Count} problem(s) skipped (they do not fit the models' context; accuracy is over the other {r.Accuracy.Problems}).");
        }

        return sb.ToString();
    }
}
