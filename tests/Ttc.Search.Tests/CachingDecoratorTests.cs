using Ttc.Search.Decorators;

namespace Ttc.Search.Tests;

public class CachingDecoratorTests
{
    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_RepeatedRequests_ServedFromMemoryWithTheirTokenCounts()
    {
        var inner = new ScriptedGenerator((r, i) => ScriptedGenerator.Final($"seed {r.Sampling.Seed}"));
        var cached = new CachingStepGenerator(inner);
        var config = new SearchConfig { Strategy = StrategyNames.Majority, N = 8 };
        var ct = TestContext.Current.CancellationToken;

        var majority = await SearchRunner.SolveAsync("p", config, new SearchContext(cached, null), cancellationToken: ct);
        var firstFour = await SearchRunner.SolveAsync("p", config with { N = 4 }, new SearchContext(cached, null), cancellationToken: ct);

        Assert.Single(inner.Calls); // the 4 samples are the first 4 of the 8
        Assert.Equal(4, cached.Hits);
        Assert.Equal(majority.Completions.Take(4).Select(c => c.Text), firstFour.Completions.Select(c => c.Text));
        Assert.Equal(majority.Completions.Take(4).Sum(c => c.GeneratedTokens), firstFour.Compute.GeneratedTokens);
    }

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_RepeatedSolutions_ScoredOnce()
    {
        var inner = new ScriptedPrm(r => r.Steps.Select(_ => 0.5).ToList());
        var cached = new CachingProcessRewardModel(inner);
        var ct = TestContext.Current.CancellationToken;
        ScoreRequest a = new("p", ["x", "y"]), b = new("p", ["x"]);
        await cached.ScoreAsync([a, b], ct);
        var again = await cached.ScoreAsync([b, a, new ScoreRequest("q", ["x"])], ct);

        Assert.Equal(2, inner.Calls.Count);
        Assert.Single(inner.Calls[1]); // only the new problem's solution
        Assert.Equal(2, again[1].Scores.Count);
        Assert.Equal(2, cached.Hits);
    }
}
