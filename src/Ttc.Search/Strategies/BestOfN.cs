namespace Ttc.Search.Strategies;

/// <summary>Best-of-N: n samples scored by the PRM; the one with the highest aggregated score wins.</summary>
public sealed class BestOfN : IndependentSampling
{
    /// <inheritdoc />
    public override string Name => StrategyNames.BestOfN;

    /// <inheritdoc />
    protected override bool Scored => true;

    /// <inheritdoc />
    protected override int Choose(IReadOnlyList<Completion> completions) => BestScored(completions);

    /// <inheritdoc />
    protected override bool Decided(IReadOnlyList<Completion> completions, int remaining) =>
        AdaptiveStopping.BestDecided(completions.Select(c => c.AggregatedScore ?? 0).ToList(), completions.Count, remaining);
}
