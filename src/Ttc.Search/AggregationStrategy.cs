namespace Ttc.Search;

/// <summary>How a completion's per-step PRM scores become one number.</summary>
public enum AggregationStrategy
{
    /// <summary>The score of the last step (the reference default).</summary>
    Last,

    /// <summary>The lowest step score: a solution is as good as its weakest step.</summary>
    Min,

    /// <summary>The product of the step scores.</summary>
    Prod,
}

/// <summary>Aggregation of per-step scores.</summary>
public static class ScoreAggregation
{
    /// <summary>Aggregates <paramref name="scores"/>; an empty list scores 0, as in the reference.</summary>
    public static double Aggregate(IReadOnlyList<double> scores, AggregationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            return 0;
        }

        return strategy switch
        {
            AggregationStrategy.Last => scores[^1],
            AggregationStrategy.Min => scores.Min(),
            AggregationStrategy.Prod => scores.Aggregate(1.0, (a, b) => a * b),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown aggregation"),
        };
    }

    /// <summary>Parses "last", "min" or "prod" (case-insensitive).</summary>
    public static bool TryParse(string? text, out AggregationStrategy strategy) =>
        Enum.TryParse(text, ignoreCase: true, out strategy) && Enum.IsDefined(strategy) && !int.TryParse(text, out _);
}
