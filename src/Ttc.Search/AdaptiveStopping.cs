namespace Ttc.Search;

/// <summary>
/// When a vote over samples is decided: the samples still to come, each adding at most 1 to one answer
/// (a vote, or a PRM score in [0, 1]), could not change the winner. The sampling strategies stop there
/// when <see cref="SearchConfig.AdaptiveRound"/> is set, and the evaluation replays the same rule on
/// stored samples, so both count the same compute.
/// </summary>
public static class AdaptiveStopping
{
    /// <summary>
    /// Whether the vote of the first <paramref name="k"/> answers (weights <paramref name="weights"/>,
    /// or 1 each when null) is decided with <paramref name="remaining"/> samples to come.
    /// </summary>
    public static bool VoteDecided(AnswerSelection answers, int k, IReadOnlyList<double>? weights, int remaining)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (remaining <= 0)
        {
            return true;
        }

        var sums = new double[answers.GroupCount];
        for (int i = 0; i < System.Math.Min(k, answers.Answers.Count); i++)
        {
            if (answers.GroupOf(i) is int g and >= 0)
            {
                sums[g] += weights is null ? 1 : System.Math.Clamp(weights[i], 0, 1);
            }
        }

        double first = 0, second = 0;
        foreach (var s in sums)
        {
            if (s > first)
            {
                (first, second) = (s, first);
            }
            else if (s > second)
            {
                second = s;
            }
        }

        // Strictly ahead by more than all that remains: not even a tie can come (a new answer starts at 0).
        return first > second + remaining;
    }

    /// <summary>Whether the best score of the first <paramref name="k"/> can no longer be beaten: it is the largest possible, 1.</summary>
    public static bool BestDecided(IReadOnlyList<double> scores, int k, int remaining)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return remaining <= 0 || scores.Take(k).Any(s => s >= 1);
    }
}
