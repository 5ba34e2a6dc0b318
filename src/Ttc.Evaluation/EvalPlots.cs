using System.Globalization;
using ScottPlot;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// The evaluation's pictures (ScottPlot, PNG): accuracy against n on a log-2 axis per strategy, the same per
/// difficulty bin, and accuracy against generation FLOPs per problem with every generator's greedy and
/// majority accuracy as horizontal lines to beat. Adaptive cells are left out of the curves (they have the
/// accuracy of their plain cell at less compute; the table shows them).
/// </summary>
public static class EvalPlots
{
    /// <summary>The main plot's file name.</summary>
    public const string FlopsPlot = "accuracy-vs-flops.png";

    /// <summary>Accuracy against n.</summary>
    public const string BudgetPlot = "accuracy-vs-n.png";

    /// <summary>Writes the plots of <paramref name="rows"/> into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<EvalSummaryRow> rows, string folder, DifficultyMethod difficulty)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var curves = Curves(rows);
        var written = new List<string>();
        if (curves.Count == 0)
        {
            return written;
        }

        bool generators = curves.Select(r => r.Generator).Distinct().Count() > 1;
        string Name(EvalSummaryRow r) => generators ? $"{r.Generator} {r.Strategy}" : r.Strategy;

        written.Add(Budget(curves, r => r.Accuracy.Accuracy, Name, "Accuracy against the budget n", Path.Combine(folder, BudgetPlot)));
        string prefix = difficulty == DifficultyMethod.Level ? "level" : "difficulty";
        foreach (int bin in curves.SelectMany(r => r.Accuracy.Levels).Distinct().Order())
        {
            var inBin = curves.Where(r => r.Accuracy.AccuracyAt(bin) is not null).ToList();
            written.Add(Budget(inBin, r => r.Accuracy.AccuracyAt(bin)!.Value, Name, $"Accuracy against n, {prefix} {bin}", Path.Combine(folder, $"accuracy-vs-n-{prefix}-{bin}.png")));
        }

        if (curves.Any(r => r.Flops > 0))
        {
            written.Add(Flops(rows, curves, Name, Path.Combine(folder, FlopsPlot)));
        }

        return written;
    }

    /// <summary>
    /// The rows drawn as curves: every strategy but greedy of the generators that search. A generator with
    /// only greedy and majority rows is a reference, drawn as lines; adaptive cells are left to the table.
    /// </summary>
    internal static IReadOnlyList<EvalSummaryRow> Curves(IReadOnlyList<EvalSummaryRow> rows)
    {
        var searching = rows.Where(r => Strategy(r) is not (StrategyNames.Greedy or StrategyNames.Majority)).Select(r => r.Generator).ToHashSet(StringComparer.Ordinal);
        return rows.Where(r => searching.Contains(r.Generator) && r.Strategy != StrategyNames.Greedy && !r.Strategy.Contains('(', StringComparison.Ordinal) && r.Accuracy.Problems > 0).ToList();
    }

    private static string Budget(IReadOnlyList<EvalSummaryRow> rows, Func<EvalSummaryRow, double> accuracy, Func<EvalSummaryRow, string> name, string title, string path)
    {
        var plot = new Plot();
        foreach (var series in rows.GroupBy(name))
        {
            var points = series.OrderBy(r => r.N).ToList();
            var line = plot.Add.Scatter(points.Select(r => System.Math.Log2(r.N)).ToArray(), points.Select(r => 100 * accuracy(r)).ToArray());
            line.LegendText = series.Key;
            line.MarkerSize = 7;
        }

        var ns = rows.Select(r => r.N).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ns.Select(n => System.Math.Log2(n)).ToArray(), ns.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToArray());
        return Save(plot, title, "n (samples or beams, log 2 scale)", path);
    }

    private static string Flops(IReadOnlyList<EvalSummaryRow> rows, IReadOnlyList<EvalSummaryRow> curves, Func<EvalSummaryRow, string> name, string path)
    {
        var plot = new Plot();
        foreach (var series in curves.Where(r => r.Flops > 0).GroupBy(name))
        {
            var points = series.OrderBy(r => r.Flops).ToList();
            var line = plot.Add.Scatter(points.Select(r => System.Math.Log10(r.Flops)).ToArray(), points.Select(r => 100 * r.Accuracy.Accuracy).ToArray());
            line.LegendText = series.Key;
            line.MarkerSize = 7;
        }

        // The lines to beat: each generator's greedy answer and its majority vote at the largest n.
        foreach (var generator in rows.GroupBy(r => r.Generator))
        {
            if (generator.FirstOrDefault(r => r.Strategy == StrategyNames.Greedy) is { Accuracy.Problems: > 0 } greedy)
            {
                var h = plot.Add.HorizontalLine(100 * greedy.Accuracy.Accuracy);
                h.LegendText = $"{generator.Key} greedy";
                h.LinePattern = LinePattern.Dashed;
            }

            if (generator.Where(r => r.Strategy == StrategyNames.Majority).MaxBy(r => r.N) is { Accuracy.Problems: > 0 } majority)
            {
                var h = plot.Add.HorizontalLine(100 * majority.Accuracy.Accuracy);
                h.LegendText = $"{generator.Key} majority (n = {majority.N})";
                h.LinePattern = LinePattern.Dotted;
            }
        }

        var logs = curves.Where(r => r.Flops > 0).Select(r => System.Math.Log10(r.Flops)).ToList();
        var decades = Enumerable.Range((int)System.Math.Floor(logs.Min()), (int)System.Math.Ceiling(logs.Max()) - (int)System.Math.Floor(logs.Min()) + 1).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            decades.Select(d => (double)d).ToArray(), decades.Select(d => "1e" + d.ToString(CultureInfo.InvariantCulture)).ToArray());
        return Save(plot, "Accuracy against generation compute", "FLOPs per problem (generator + PRM, log scale)", path);
    }

    // The strategy of a row's label ("majority (adaptive)" is majority).
    private static string Strategy(EvalSummaryRow r) => r.Strategy.Split(' ')[0];

    private static string Save(Plot plot, string title, string xLabel, string path)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("accuracy (%)");
        plot.Axes.SetLimitsY(0, 100);
        // Beside the data, so it never hides a curve.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1100, 600);
        return path;
    }
}
