namespace Ttc.Search.Strategies;

/// <summary>
/// Weighted Best-of-N: n scored samples; the answer whose completions have the largest summed
/// aggregated score wins, and its best-scored completion is reported.
/// </summary>
public sealed class WeightedBestOfN : IndependentSampling
{
    /// <inheritdoc />
    public override string Name => StrategyNames.WeightedBestOfN;

    /// <inheritdoc />
    protected override bool Scored => true;

    /// <inheritdoc />
    protected override int Choose(IReadOnlyList<Completion> completions)
    {
        var scores = completions.Select(c => c.AggregatedScore ?? 0).ToList();
        int pick = new AnswerSelection(completions.Select(c => c.Answer).ToList()).Weighted(completions.Count, scores);
        return pick >= 0 ? pick : BestScored(completions);
    }

    /// <inheritdoc />
    protected override bool Decided(IReadOnlyList<Completion> completions, int remaining) =>
        AdaptiveStopping.VoteDecided(new AnswerSelection(completions.Select(c => c.Answer).ToList()), completions.Count, completions.Select(c => c.AggregatedScore ?? 0).ToList(), remaining);
}
