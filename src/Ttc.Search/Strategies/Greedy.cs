namespace Ttc.Search.Strategies;

/// <summary>The baseline: one sample at temperature 0, whatever n is.</summary>
public sealed class Greedy : IndependentSampling
{
    /// <inheritdoc />
    public override string Name => StrategyNames.Greedy;

    /// <inheritdoc />
    protected override bool Scored => false;

    /// <inheritdoc />
    protected override int SampleCount(SearchConfig config) => 1;

    /// <inheritdoc />
    protected override double Temperature(SearchConfig config) => 0;

    /// <inheritdoc />
    protected override int Choose(IReadOnlyList<Completion> completions) => completions.Count > 0 ? 0 : -1;
}
