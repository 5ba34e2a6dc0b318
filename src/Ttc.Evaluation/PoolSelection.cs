using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// The sampling strategies' choices replayed on the first k samples of a pool: the same rules as
/// <see cref="Ttc.Search.Strategies.MajorityVoting"/>, <see cref="Ttc.Search.Strategies.BestOfN"/> and
/// <see cref="Ttc.Search.Strategies.WeightedBestOfN"/>, and the same adaptive stopping rule
/// (<see cref="AdaptiveStopping"/>), so a subsampled line says what a run at k would have said.
/// </summary>
public static class PoolSelection
{
    /// <summary>Index of the sample <paramref name="strategy"/> picks among the first <paramref name="k"/> (-1: none).</summary>
    public static int Pick(string strategy, AnswerSelection answers, IReadOnlyList<double> scores, int k)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(scores);
        switch (strategy)
        {
            case StrategyNames.Majority:
                int vote = answers.Majority(k);
                return vote >= 0 || k == 0 ? vote : 0;
            case StrategyNames.BestOfN:
                return AnswerSelection.Best(scores, k);
            case StrategyNames.WeightedBestOfN:
                int weighted = answers.Weighted(k, scores);
                return weighted >= 0 ? weighted : AnswerSelection.Best(scores, k);
            default:
                throw new ArgumentException($"'{strategy}' is not a sampling strategy", nameof(strategy));
        }
    }

    /// <summary>
    /// Samples an adaptive run of <paramref name="strategy"/> at budget <paramref name="k"/> would have drawn:
    /// rounds of <paramref name="round"/>, stopping after the first round that decides the vote.
    /// </summary>
    public static int StopAt(string strategy, AnswerSelection answers, IReadOnlyList<double> scores, int k, int round)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(scores);
        for (int drawn = round; drawn < k; drawn += round)
        {
            bool decided = strategy switch
            {
                StrategyNames.Majority => AdaptiveStopping.VoteDecided(answers, drawn, null, k - drawn),
                StrategyNames.BestOfN => AdaptiveStopping.BestDecided(scores, drawn, k - drawn),
                _ => AdaptiveStopping.VoteDecided(answers, drawn, scores, k - drawn),
            };
            if (decided)
            {
                return drawn;
            }
        }

        return k;
    }
}
