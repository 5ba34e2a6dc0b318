using System.Text.Json;

namespace Ttc.Search.Tests;

public class DeterminismTests
{
    private static readonly IProcessRewardModel Prm = new ScriptedPrm(r => r.Steps.Select(s => (double)(System.Math.Abs(s.GetHashCode(StringComparison.Ordinal)) % 1000) / 1000).ToList());

    public static TheoryData<string> AllStrategies => [.. StrategyNames.All];

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(AllStrategies))]
    public async Task SolveAsync_SameSeed_SameResult(string strategy)
    {
        var config = new SearchConfig { Strategy = strategy, N = 8, BeamWidth = 2, NumIterations = 6, Seed = 5 };
        var a = await SearchRunner.SolveAsync("p", config, new SearchContext(new RandomGenerator(), Prm), cancellationToken: TestContext.Current.CancellationToken);
        var b = await SearchRunner.SolveAsync("p", config, new SearchContext(new RandomGenerator(), Prm), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(a.Completions, b.Completions, CompletionComparer.Instance);
        Assert.Equal(a.Answer, b.Answer);
        Assert.Equal(a.Compute.GeneratedTokens, b.Compute.GeneratedTokens);
    }

    [Fact(Timeout = 120_000)]
    public async Task SolveAsync_OtherSeed_OtherSamples()
    {
        var config = new SearchConfig { Strategy = StrategyNames.Majority, N = 16 };
        var a = await SearchRunner.SolveAsync("p", config, new SearchContext(new RandomGenerator(), Prm), cancellationToken: TestContext.Current.CancellationToken);
        var b = await SearchRunner.SolveAsync("p", config with { Seed = 43 }, new SearchContext(new RandomGenerator(), Prm), cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEqual(a.Completions.Select(c => c.Text), b.Completions.Select(c => c.Text));
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(AllStrategies))]
    public async Task ContinueAsync_StateRestoredFromJsonAfterEveryStep_EqualsUninterruptedRun(string strategy)
    {
        var config = new SearchConfig { Strategy = strategy, N = 8, BeamWidth = 2, NumIterations = 6, Seed = 11, Lookahead = 1 };
        var context = new SearchContext(new RandomGenerator(), Prm);
        var expected = await SearchRunner.SolveAsync("p", config, context, cancellationToken: TestContext.Current.CancellationToken);

        var impl = StrategyRegistry.Get(strategy);
        var json = JsonSerializer.Serialize(impl.Start("p", config));
        while (true)
        {
            // Each step starts from a checkpoint, as a worker that crashed and restarted would.
            var state = JsonSerializer.Deserialize<SearchState>(json)!;
            if (state.Finished)
            {
                var resumed = impl.Finish(state);
                Assert.Equal(expected.Completions, resumed.Completions, CompletionComparer.Instance);
                Assert.Equal(expected.Answer, resumed.Answer);
                Assert.Equal(expected.Compute.GeneratedTokens, resumed.Compute.GeneratedTokens);
                return;
            }

            await impl.StepAsync(state, context, TestContext.Current.CancellationToken);
            json = JsonSerializer.Serialize(state);
        }
    }

    private sealed class CompletionComparer : IEqualityComparer<Completion>
    {
        public static readonly CompletionComparer Instance = new();

        public bool Equals(Completion? x, Completion? y) =>
            x is not null && y is not null && x.Text == y.Text && x.Scores.SequenceEqual(y.Scores)
            && x.AggregatedScore == y.AggregatedScore && x.Answer == y.Answer && x.GeneratedTokens == y.GeneratedTokens;

        public int GetHashCode(Completion obj) => obj.Text.GetHashCode(StringComparison.Ordinal);
    }
}
