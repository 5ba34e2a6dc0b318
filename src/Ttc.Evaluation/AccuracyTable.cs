namespace Ttc.Evaluation;

/// <summary>Accuracy of one replay method at one k, overall and per difficulty level.</summary>
/// <param name="Method">"maj", "naive" or "weighted" (the reference's prefixes).</param>
/// <param name="K">Subset size.</param>
/// <param name="Tally">Problems with at least k completions, and how many were right.</param>
public sealed record AccuracyRow(string Method, int K, AccuracyTally Tally);

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
                var tally = new AccuracyTally();
                foreach (var o in outcomes)
                {
                    if (o.Subsets.FirstOrDefault(s => s.K == k) is { } subset)
                    {
                        tally.Add(o.Problem.Level, Verdict(method, subset));
                    }
                }

                rows.Add(new AccuracyRow(method, k, tally));
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
