using Ttc.Math;

namespace Ttc.Search;

/// <summary>
/// Groups answers by mathematical equivalence and picks one: by count (majority), by summed score
/// (weighted Best-of-N) or by the best single score (Best-of-N). Ties go to the group seen first.
/// </summary>
public sealed class AnswerSelection
{
    private readonly int[] _group;

    /// <summary>Groups <paramref name="answers"/>; null answers form no group.</summary>
    public AnswerSelection(IReadOnlyList<string?> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        Answers = answers;
        _group = new int[answers.Count];
        // Exact canonical forms first (cheap), then merge distinct forms that are equivalent.
        var keyGroup = new Dictionary<string, int>(StringComparer.Ordinal);
        var representatives = new List<string>(); // canonical keys, one per group
        for (int i = 0; i < answers.Count; i++)
        {
            if (answers[i] is not { } answer)
            {
                _group[i] = -1;
                continue;
            }

            var key = MathEquivalence.CanonicalKey(answer);
            if (!keyGroup.TryGetValue(key, out int g))
            {
                g = representatives.FindIndex(r => MathEquivalence.AreEquivalentKeys(r, key));
                if (g < 0)
                {
                    g = representatives.Count;
                    representatives.Add(key);
                }

                keyGroup[key] = g;
            }

            _group[i] = g;
        }

        GroupCount = representatives.Count;
    }

    /// <summary>The answers, as given.</summary>
    public IReadOnlyList<string?> Answers { get; }

    /// <summary>Number of distinct answers.</summary>
    public int GroupCount { get; }

    /// <summary>Group of answer <paramref name="i"/> (-1 for no answer).</summary>
    public int GroupOf(int i) => _group[i];

    /// <summary>Index of the first answer of the most frequent group among the first <paramref name="k"/>; -1 if none.</summary>
    public int Majority(int k) => Weighted(k, null);

    /// <summary>
    /// Index of the highest-scored answer of the group with the largest summed score among the first
    /// <paramref name="k"/> (with <paramref name="scores"/> null: the largest count); -1 if none.
    /// </summary>
    public int Weighted(int k, IReadOnlyList<double>? scores)
    {
        k = System.Math.Min(k, _group.Length);
        var sums = new double[GroupCount];
        var firstSeen = new int[GroupCount];
        var best = new int[GroupCount];
        Array.Fill(firstSeen, int.MaxValue);
        for (int i = 0; i < k; i++)
        {
            int g = _group[i];
            if (g < 0)
            {
                continue;
            }

            sums[g] += scores is null ? 1 : scores[i];
            if (firstSeen[g] == int.MaxValue)
            {
                firstSeen[g] = i;
                best[g] = i;
            }
            else if (scores is not null && scores[i] > scores[best[g]])
            {
                best[g] = i;
            }
        }

        int winner = -1;
        for (int g = 0; g < GroupCount; g++)
        {
            if (firstSeen[g] == int.MaxValue)
            {
                continue;
            }

            if (winner < 0 || sums[g] > sums[winner] || (sums[g] == sums[winner] && firstSeen[g] < firstSeen[winner]))
            {
                winner = g;
            }
        }

        return winner < 0 ? -1 : scores is null ? firstSeen[winner] : best[winner];
    }

    /// <summary>Index of the highest score among the first <paramref name="k"/> (first on ties); -1 when k is 0.</summary>
    public static int Best(IReadOnlyList<double> scores, int k)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int best = -1;
        for (int i = 0; i < System.Math.Min(k, scores.Count); i++)
        {
            if (best < 0 || scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }
}
