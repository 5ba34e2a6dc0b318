using static Ttc.Search.Tests.ScriptedGenerator;

namespace Ttc.Search.Tests;

public class SamplingStrategyTests
{
    private static Task<SearchResult> Run(string strategy, string[] finals, double[]? scores = null, int n = 0)
    {
        var gen = new ScriptedGenerator((r, i) => Final(finals[i]));
        var prm = scores is null ? null : new ScriptedPrm(r => [scores[Array.IndexOf(finals, r.Steps[0])]]);
        var config = new SearchConfig { Strategy = strategy, N = n > 0 ? n : finals.Length };
        return SearchRunner.SolveAsync("p", config, new SearchContext(gen, prm), cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 120_000)]
    public async Task Greedy_AnyN_OneSampleAtTemperatureZero()
    {
        StepRequest? seen = null;
        var gen = new ScriptedGenerator((r, i) => { seen = r; return Final("\\boxed{5}"); });
        var result = await SearchRunner.SolveAsync("p", new SearchConfig { Strategy = StrategyNames.Greedy, N = 16 }, new SearchContext(gen, null), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(gen.Calls[0]);
        Assert.Equal(0, seen!.Sampling.Temperature);
        Assert.Null(seen.StopSequence);
        Assert.Equal("5", result.Answer);
        Assert.Equal(0, result.Compute.PrmCalls);
    }

    [Fact(Timeout = 120_000)]
    public async Task Majority_EquivalentAnswers_VoteTogether()
    {
        var result = await Run(StrategyNames.Majority, ["\\boxed{3}", "\\boxed{1/2}", "\\boxed{0.5}", "\\boxed{3}", "\\boxed{\\frac12}"]);
        Assert.Equal("1/2", result.Answer);
        Assert.Equal("\\boxed{1/2}", result.Completion);
    }

    [Fact(Timeout = 120_000)]
    public async Task Majority_Tie_FirstSeenWins()
    {
        var result = await Run(StrategyNames.Majority, ["\\boxed{4}", "\\boxed{9}", "\\boxed{9}", "\\boxed{4}"]);
        Assert.Equal("4", result.Answer);
    }

    [Fact(Timeout = 120_000)]
    public async Task Majority_NoAnswers_IgnoredInTheVote()
    {
        var result = await Run(StrategyNames.Majority, ["no idea", "none", "\\boxed{2}"]);
        Assert.Equal("2", result.Answer);
    }

    [Fact(Timeout = 120_000)]
    public async Task BestOfN_HighestAggregatedScore_Wins()
    {
        var result = await Run(StrategyNames.BestOfN, ["\\boxed{A}", "\\boxed{A }", "\\boxed{B}"], [0.4, 0.4, 0.7]);
        Assert.Equal("B", result.Answer);
        Assert.Equal(0.7, result.Score);
        Assert.Equal(1, result.Compute.PrmCalls);
        Assert.Equal(3, result.Compute.ScoredSequences);
    }

    [Fact(Timeout = 120_000)]
    public async Task WeightedBestOfN_SummedScores_BeatTheSingleBest()
    {
        var result = await Run(StrategyNames.WeightedBestOfN, ["\\boxed{A}", "\\boxed{ A}", "\\boxed{B}"], [0.4, 0.45, 0.7]);
        Assert.Equal("A", result.Answer);
        Assert.Equal("\\boxed{ A}", result.Completion); // the group's best-scored completion
    }

    [Fact(Timeout = 120_000)]
    public async Task BestOfN_WithoutPrm_FailsClearly()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Run(StrategyNames.BestOfN, ["\\boxed{1}"]));
        Assert.Contains("process reward model", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Sampling_EveryRequest_HasItsOwnSeed()
    {
        var gen = new ScriptedGenerator((r, i) => Final("x"));
        await SearchRunner.SolveAsync("p", new SearchConfig { Strategy = StrategyNames.Majority, N = 8 }, new SearchContext(gen, null), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(8, gen.Calls[0].Select(r => r.Sampling.Seed).Distinct().Count());
    }
}
