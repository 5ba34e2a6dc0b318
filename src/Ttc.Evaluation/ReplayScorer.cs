using Ttc.Math;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>One problem of a result file: n completions with their per-step PRM scores.</summary>
/// <param name="UniqueId">The problem's id.</param>
/// <param name="Level">Difficulty level, if known.</param>
/// <param name="Gold">The gold answer.</param>
/// <param name="Completions">The sampled completions, in order (DVTS groups stay whole in a prefix).</param>
/// <param name="Scores">Per completion, its per-step scores.</param>
public sealed record ReplayProblem(string UniqueId, int? Level, string Gold, IReadOnlyList<string> Completions, IReadOnlyList<IReadOnlyList<double>> Scores);

/// <summary>The predictions for one problem at one k.</summary>
/// <param name="K">How many of the first completions were used.</param>
/// <param name="Majority">Majority-vote answer.</param>
/// <param name="Naive">Best-of-N answer (highest aggregated score).</param>
/// <param name="Weighted">Weighted Best-of-N answer.</param>
/// <param name="MajorityCorrect">Whether the majority answer is correct.</param>
/// <param name="NaiveCorrect">Whether the Best-of-N answer is correct.</param>
/// <param name="WeightedCorrect">Whether the weighted answer is correct.</param>
public sealed record SubsetPrediction(int K, string Majority, string Naive, string Weighted, bool MajorityCorrect, bool NaiveCorrect, bool WeightedCorrect);

/// <summary>Predictions of one problem for every k.</summary>
/// <param name="Problem">The problem.</param>
/// <param name="Subsets">One entry per k = 1, 2, 4, ... n.</param>
public sealed record ReplayOutcome(ReplayProblem Problem, IReadOnlyList<SubsetPrediction> Subsets);

/// <summary>
/// Recomputes majority, naive (Best-of-N) and weighted Best-of-N predictions from stored completions
/// and scores, for k = 1, 2, 4, ... n, as the reference's scoring does (first k completions;
/// answers extracted with its last-number fallback so the predictions are comparable).
/// </summary>
public static class ReplayScorer
{
    /// <summary>The subset sizes 1, 2, 4, ... up to <paramref name="n"/>.</summary>
    public static IReadOnlyList<int> SubsetSizes(int n)
    {
        var sizes = new List<int>();
        for (int k = 1; k <= n; k *= 2)
        {
            sizes.Add(k);
        }

        return sizes;
    }

    /// <summary>Scores one problem.</summary>
    public static ReplayOutcome Score(ReplayProblem problem, AggregationStrategy aggregation = AggregationStrategy.Last)
    {
        ArgumentNullException.ThrowIfNull(problem);
        int n = problem.Completions.Count;
        if (problem.Scores.Count != n)
        {
            throw new ArgumentException($"problem {problem.UniqueId}: {n} completions but {problem.Scores.Count} score lists", nameof(problem));
        }

        var answers = problem.Completions.Select(c => AnswerExtractor.Extract(c, lastNumberFallback: true) ?? string.Empty).ToList();
        var agg = problem.Scores.Select(s => ScoreAggregation.Aggregate(s, aggregation)).ToList();
        var selection = new AnswerSelection(answers);
        var goldKey = MathEquivalence.CanonicalKey(problem.Gold);
        var verdicts = new Dictionary<int, bool>();
        bool Correct(int index)
        {
            if (index < 0)
            {
                return false;
            }

            int group = selection.GroupOf(index);
            if (!verdicts.TryGetValue(group, out bool ok))
            {
                ok = MathEquivalence.AreEquivalentKeys(MathEquivalence.CanonicalKey(answers[index]), goldKey);
                verdicts[group] = ok;
            }

            return ok;
        }

        var subsets = new List<SubsetPrediction>();
        foreach (int k in SubsetSizes(n))
        {
            int maj = selection.Majority(k);
            int naive = AnswerSelection.Best(agg, k);
            int weighted = selection.Weighted(k, agg);
            subsets.Add(new SubsetPrediction(k, Boxed(maj), Boxed(naive), Boxed(weighted), Correct(maj), Correct(naive), Correct(weighted)));
        }

        return new ReplayOutcome(problem, subsets);

        string Boxed(int index) => "\\boxed{" + (index >= 0 ? answers[index] : string.Empty) + "}";
    }
}
