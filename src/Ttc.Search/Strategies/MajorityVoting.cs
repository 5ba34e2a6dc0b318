namespace Ttc.Search.Strategies;

/// <summary>Self-consistency: n samples, the most frequent answer (by equivalence) wins; ties go to the first seen.</summary>
public sealed class MajorityVoting : IndependentSampling
{
    /// <inheritdoc />
    public override string Name => StrategyNames.Majority;

    /// <inheritdoc />
    protected override bool Scored => false;

    /// <inheritdoc />
    protected override int Choose(IReadOnlyList<Completion> completions)
    {
        int pick = new AnswerSelection(completions.Select(c => c.Answer).ToList()).Majority(completions.Count);
        return pick >= 0 || completions.Count == 0 ? pick : 0;
    }

    /// <inheritdoc />
    protected override bool Decided(IReadOnlyList<Completion> completions, int remaining) =>
        AdaptiveStopping.VoteDecided(new AnswerSelection(completions.Select(c => c.Answer).ToList()), completions.Count, null, remaining);
}
