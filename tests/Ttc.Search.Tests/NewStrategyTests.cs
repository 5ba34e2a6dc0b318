using Ttc.Search.Strategies;
using static Ttc.Search.Tests.ScriptedGenerator;

namespace Ttc.Search.Tests;

/// <summary>REBASE's budget sharing, compute_optimal's probe and choice, the adaptive budget.</summary>
public class NewStrategyTests
{
    private static SearchContext Models(out RandomCounter generator)
    {
        generator = new RandomCounter();
        return new SearchContext(generator, new ScriptedPrm(r => r.Steps.Select(StableScores.Of).ToList()));
    }

    private static ComputeOptimalPolicy OneBin(string strategy) => new() { Entries = [new PolicyEntry(1, 8, strategy, BeamWidth: 2)] };

    [Theory]
    [InlineData(0.1, new[] { 4, 0 })]
    [InlineData(100.0, new[] { 2, 2 })]
    public void Allocate_SoftmaxOfScores_SharesTheWholeBudget(double temperature, int[] expected)
    {
        Assert.Equal(expected, Rebase.Allocate([0.9, 0.1], 4, temperature));
        Assert.Equal(7, Rebase.Allocate([0.5, 0.4, 0.3], 7, 0.2).Sum());
    }

    [Fact(Timeout = 60_000)]
    public async Task ComputeOptimal_SamplingChoice_ReusesTheProbeAndMatchesThatStrategyAlone()
    {
        var config = new SearchConfig { Strategy = StrategyNames.ComputeOptimal, N = 8, Seed = 5, Policy = OneBin(StrategyNames.WeightedBestOfN) };
        var chosen = await SearchRunner.SolveAsync("p", config, Models(out var counted), cancellationToken: TestContext.Current.CancellationToken);
        var alone = await SearchRunner.SolveAsync("p", config with { Strategy = StrategyNames.WeightedBestOfN, Policy = null }, Models(out _), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(8, counted.Sequences); // 4 probe samples + the 4 still missing, not 4 + 8
        Assert.True(chosen.Choice!.ReusedProbe);
        Assert.Equal(StrategyNames.WeightedBestOfN, chosen.Choice.Strategy);
        Assert.Equal(alone.Answer, chosen.Answer);
        Assert.Equal(alone.Completions.Select(c => c.Text), chosen.Completions.Select(c => c.Text));
        Assert.Equal(alone.Compute.GeneratedTokens, chosen.Compute.GeneratedTokens);
    }

    [Fact(Timeout = 60_000)]
    public async Task ComputeOptimal_TreeChoice_RunsItWithItsWidthAndCountsTheProbe()
    {
        var config = new SearchConfig { Strategy = StrategyNames.ComputeOptimal, N = 8, Seed = 5, NumIterations = 4, Policy = OneBin(StrategyNames.BeamSearch) };
        var chosen = await SearchRunner.SolveAsync("p", config, Models(out _), cancellationToken: TestContext.Current.CancellationToken);
        var alone = await SearchRunner.SolveAsync("p", config with { Strategy = StrategyNames.BeamSearch, BeamWidth = 2, Policy = null }, Models(out _), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(chosen.Choice!.ReusedProbe);
        Assert.Equal((StrategyNames.BeamSearch, 2, 4), (chosen.Choice.Strategy, chosen.Choice.BeamWidth, chosen.Choice.ProbeSamples));
        Assert.Equal(alone.Answer, chosen.Answer);
        Assert.Equal(alone.Completions.Select(c => c.Text), chosen.Completions.Select(c => c.Text));
        Assert.True(chosen.Compute.GeneratedTokens > alone.Compute.GeneratedTokens, "the probe's samples are paid on top");
        Assert.Equal(alone.Compute.GeneratedSequences + 4, chosen.Compute.GeneratedSequences);
    }

    [Fact(Timeout = 60_000)]
    public async Task AdaptiveRound_UnanimousVotes_StopsOnceTheRestCannotChangeTheWinner()
    {
        var gen = new ScriptedGenerator((r, i) => Final("\\boxed{7}"));
        var config = new SearchConfig { Strategy = StrategyNames.Majority, N = 16, AdaptiveRound = 4 };
        var result = await SearchRunner.SolveAsync("p", config, new SearchContext(gen, null), cancellationToken: TestContext.Current.CancellationToken);

        // After 12 votes for 7 and 4 samples to come, nothing can catch up (after 8, 8 more could tie).
        Assert.Equal(12, result.Compute.GeneratedSequences);
        Assert.Equal(3, gen.Calls.Count);
        Assert.Equal("7", result.Answer);
    }

    /// <summary><see cref="RandomGenerator"/> that counts the sequences asked for.</summary>
    internal sealed class RandomCounter : IStepGenerator
    {
        private readonly RandomGenerator _inner = new();

        public int Sequences { get; private set; }

        public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
        {
            Sequences += requests.Count;
            return _inner.GenerateAsync(requests, cancellationToken);
        }
    }
}
