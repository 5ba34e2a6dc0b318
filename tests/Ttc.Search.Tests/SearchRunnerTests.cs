namespace Ttc.Search.Tests;

public class SearchRunnerTests
{
    private static readonly ScriptedPrm Prm = new(r => r.Steps.Select(StableScores.Of).ToList());

    private static SearchConfig Beam(int seed) => new() { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 4, NumIterations = 3, Seed = seed };

    [Fact]
    public async Task RunAsync_SeveralSearches_HalfStartARoundLater_SoOneHalfGeneratesWhileTheOtherIsScored()
    {
        var ct = TestContext.Current.CancellationToken;
        var generator = new ScriptedGenerator((r, i) => ScriptedGenerator.Step($"s{r.Prefix.Length}-{i}"));
        var runner = new SearchRunner(new SearchContext(generator, Prm), concurrency: 4);
        var results = new SearchResult?[4];
        await runner.RunAsync(
            Enumerable.Range(0, 4).Select(i => (i, StrategyRegistry.Get(StrategyNames.BeamSearch).Start($"Problem {i}.", Beam(i)))),
            (i, r, _) => { results[i] = r; return Task.CompletedTask; },
            cancellationToken: ct);

        Assert.All(results, Assert.NotNull);
        Assert.Equal(2 * 8, generator.Calls[0].Count); // the first round: two of the four searches
        Assert.True(runner.Stats.OverlappedRounds >= runner.Stats.ScoringCalls - 1, $"{runner.Stats.OverlappedRounds} of {runner.Stats.ScoringCalls} PRM calls overlapped a generator call");
    }

    [Fact]
    public async Task RunAsync_OneSearch_StartsAtOnce()
    {
        var generator = new ScriptedGenerator((r, i) => ScriptedGenerator.Step($"s{r.Prefix.Length}-{i}"));
        var runner = new SearchRunner(new SearchContext(generator, Prm));
        await runner.RunAsync([(0, StrategyRegistry.Get(StrategyNames.BeamSearch).Start("Problem.", Beam(0)))], (_, _, _) => Task.CompletedTask, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(8, generator.Calls[0].Count);
        Assert.Equal(0, runner.Stats.OverlappedRounds);
    }
}
