namespace Ttc.Search.Evaluation;

/// <summary>Accuracy of one method at one k, overall and per difficulty level.</summary>
/// <param name="Method">"maj", "naive" or "weighted" (the reference's prefixes).</param>
/// <param name="K">Subset size.</param>
/// <param name="Correct">Problems answered correctly.</param>
/// <param name="Problems">Problems with at least k completions.</param>
/// <param name="PerLevel">Accuracy per level, for problems that have one.</param>
public sealed record AccuracyRow(string Method, int K, int Correct, int Problems, IReadOnlyDictionary<int, double> PerLevel)
{
    /// <summary>Share of problems answered correctly.</summary>
    public double Accuracy => Problems == 0 ? 0 : (double)Correct / Problems;
}

/// <summary>Aggregates replay outcomes into accuracy rows.</summary>
public static class AccuracyTable
{
    /// <summary>The method prefixes, in table order.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["maj", "naive", "weighted"];

    /// <summary>One row per method and k.</summary>
    public static IReadOnlyList<AccuracyRow> Build(IReadOnlyList<ReplayOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var ks = outcomes.SelectMany(o => o.Subsets.Select(s => s.K)).Distinct().Order().ToList();
        var rows = new List<AccuracyRow>();
        foreach (var method in Methods)
        {
            foreach (int k in ks)
            {
                var hits = outcomes
                    .Select(o => (o.Problem.Level, Subset: o.Subsets.FirstOrDefault(s => s.K == k)))
                    .Where(x => x.Subset is not null)
                    .Select(x => (x.Level, Ok: Verdict(method, x.Subset!)))
                    .ToList();
                var perLevel = hits.Where(h => h.Level is not null)
                    .GroupBy(h => h.Level!.Value)
                    .OrderBy(g => g.Key)
                    .ToDictionary(g => g.Key, g => (double)g.Count(h => h.Ok) / g.Count());
                rows.Add(new AccuracyRow(method, k, hits.Count(h => h.Ok), hits.Count, perLevel));
            }
        }

        return rows;
    }

    private static bool Verdict(string method, SubsetPrediction s) => method switch
    {
        "maj" => s.MajorityCorrect,
        "naive" => s.NaiveCorrect,
        _ => s.WeightedCorrect,
    };
}
