using static Ttc.Search.Tests.ScriptedGenerator;

namespace Ttc.Search.Tests;

public class BeamSearchTests
{
    private static int Depth(StepRequest r) => r.Prefix.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length;

    private static SearchConfig Config(int n, int m, int iterations, bool filter = false) => new()
    {
        Strategy = StrategyNames.BeamSearch, N = n, BeamWidth = m, NumIterations = iterations, FilterDuplicates = filter,
    };

    [Fact(Timeout = 120_000)]
    public async Task Iteration_Survivors_CopiedRoundRobinBackToN()
    {
        var gen = new ScriptedGenerator((r, i) => r.StopSequence is null ? Final("\\boxed{1}") : Step($"{(Depth(r) == 0 ? "a" : "b")}{i}"));
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double> { ["a0"] = 0.1, ["a1"] = 0.9, ["a2"] = 0.5, ["a3"] = 0.7 });
        await SearchRunner.SolveAsync("p", Config(4, 2, 3), new SearchContext(gen, prm), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["", "", "", ""], gen.Calls[0].Select(r => r.Prefix));
        // Top n/M = 2 survive (a1, a3) and each gets M = 2 children, round-robin.
        Assert.Equal(["a1\n\n", "a3\n\n", "a1\n\n", "a3\n\n"], gen.Calls[1].Select(r => r.Prefix));
    }

    [Fact(Timeout = 120_000)]
    public async Task Iteration_FinishedBeams_LeaveTheActiveSet()
    {
        var gen = new ScriptedGenerator((r, i) => i == 0 || r.StopSequence is null ? Final($"done {i} \\boxed{{{i}}}") : Step($"s{i}"));
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Config(4, 2, 5));
        state = await SearchRunner.IterateAsync(state, new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), TestContext.Current.CancellationToken);

        Assert.Single(state.Completed);
        Assert.Equal(StopReason.EndOfSequence, state.Completed[0].StopReason);
        Assert.Equal(2, state.Active.Count);
        Assert.All(state.Active, b => Assert.False(b.Completed));
    }

    [Fact(Timeout = 120_000)]
    public async Task Iteration_EmptyStep_CompletesTheBeam()
    {
        var gen = new ScriptedGenerator((r, i) => i == 1 ? new GeneratedStep(string.Empty, StopReason.Separator, 1, 0) : Step("x" + i));
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Config(4, 4, 5));
        state = await SearchRunner.IterateAsync(state, new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), TestContext.Current.CancellationToken);
        Assert.Single(state.Completed);
    }

    [Fact(Timeout = 120_000)]
    public async Task Iteration_FilterDuplicates_KeepsFirstOfEachText()
    {
        string[] texts = ["x", "x", "y", "z"];
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double> { ["x"] = 0.9, ["y"] = 0.5, ["z"] = 0.4 });
        foreach (var (filter, expected) in new[] { (false, new[] { "x\n\n", "x\n\n" }), (true, new[] { "x\n\n", "y\n\n" }) })
        {
            var gen = new ScriptedGenerator((r, i) => Step(texts[i]));
            var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
            var state = strategy.Start("p", Config(4, 2, 5, filter));
            state = await SearchRunner.IterateAsync(state, new SearchContext(gen, prm), TestContext.Current.CancellationToken);
            Assert.Equal(expected, state.Active.Select(b => b.Text));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task SolveAsync_LastIteration_GeneratesToTheEnd()
    {
        var gen = new ScriptedGenerator((r, i) => r.StopSequence is null ? Final("\\boxed{3}") : Step("s"));
        var result = await SearchRunner.SolveAsync("p", Config(2, 2, 3), new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, gen.Calls.Count);
        Assert.All(gen.Calls.Take(2).SelectMany(c => c), r => Assert.Equal("\n\n", r.StopSequence));
        Assert.All(gen.Calls[2], r => Assert.Null(r.StopSequence));
        Assert.Equal("3", result.Answer);
        Assert.Equal(3, result.Iterations);
    }

    [Fact(Timeout = 120_000)]
    public async Task Finish_FewerCompletedThanN_RepeatsThemToN()
    {
        // A generator that ignores the "to the end" request leaves beams open when iterations run out.
        var gen = new ScriptedGenerator((r, i) => i == 0 ? Final("\\boxed{7}") : Step("s" + i));
        var result = await SearchRunner.SolveAsync("p", Config(4, 2, 1), new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(4, result.Completions.Count);
        Assert.All(result.Completions, c => Assert.Equal("\\boxed{7}", c.Text));
    }

    [Fact(Timeout = 120_000)]
    public async Task Finish_SortCompleted_BestFirst()
    {
        var gen = new ScriptedGenerator((r, i) => Final($"r{i} \\boxed{{{i}}}"));
        var prm = new ScriptedPrm(r => [r.Steps[0].StartsWith("r2", StringComparison.Ordinal) ? 0.9 : 0.1 * (r.Steps[0][1] - '0')]);
        var config = Config(4, 2, 1) with { SortCompleted = true };
        var result = await SearchRunner.SolveAsync("p", config, new SearchContext(gen, prm), cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("r2", result.Completions[0].Text, StringComparison.Ordinal);
        Assert.Equal(result.Completions.Select(c => c.AggregatedScore).OrderDescending(), result.Completions.Select(c => c.AggregatedScore));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(AggregationStrategy.Last, "1")]
    [InlineData(AggregationStrategy.Min, "2")]
    public async Task Finish_ConfiguredAggregation_DecidesTheAnswer(AggregationStrategy aggregation, string expected)
    {
        // Beam "p" starts badly (0.2) but ends well (0.95); beam "q" is steady (0.9, 0.7).
        var gen = new ScriptedGenerator((r, i) => r.StopSequence is null
            ? Final(r.Prefix.StartsWith('p') ? "A \\boxed{1}" : "B \\boxed{2}")
            : Step(i == 0 ? "p" : "q"));
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double> { ["p"] = 0.2, ["q"] = 0.9, ["A \\boxed{1}"] = 0.95, ["B \\boxed{2}"] = 0.7 });
        var config = Config(2, 1, 2) with { Aggregation = aggregation };
        var result = await SearchRunner.SolveAsync("p", config, new SearchContext(gen, prm), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expected, result.Answer);
    }

    [Fact(Timeout = 120_000)]
    public async Task Iteration_Lookahead_ScoresTheLookaheadText()
    {
        var gen = new ScriptedGenerator((r, i) => r.Sampling.Temperature == 0 ? Step("look") : Step("s" + i));
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double>());
        var strategy = StrategyRegistry.Get(StrategyNames.BeamSearch);
        var state = strategy.Start("p", Config(2, 2, 5) with { Lookahead = 1 });
        state = await SearchRunner.IterateAsync(state, new SearchContext(gen, prm), TestContext.Current.CancellationToken);

        Assert.Equal(2, gen.Calls.Count);
        Assert.All(gen.Calls[1], r => Assert.Equal(0, r.Sampling.Temperature));
        Assert.All(prm.Calls[0], r => Assert.Equal("look", r.Steps[^1]));
        var beam = Assert.Single(state.Active);
        Assert.DoesNotContain("look", beam.Text, StringComparison.Ordinal);
        Assert.Equal(2, beam.Scores.Count);
        Assert.Equal(3 + 5, beam.GeneratedTokens); // "s0\n\n" + "look\n\n": lookahead tokens are counted
    }

    [Fact(Timeout = 120_000)]
    public async Task SolveAsync_TokenCounts_AreCorrect()
    {
        var gen = new ScriptedGenerator((r, i) => r.StopSequence is null ? Final("ab") : Step("xyz"));
        var result = await SearchRunner.SolveAsync("p", Config(4, 2, 3), new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), cancellationToken: TestContext.Current.CancellationToken);

        // Two "xyz\n\n" steps (4 tokens each) and the final "ab" (3 tokens) on every path.
        Assert.All(result.Completions, c => Assert.Equal(11, c.GeneratedTokens));
        Assert.Equal(3 * 4 * 4 - 4, result.Compute.GeneratedTokens); // 4 requests x 3 calls: 4+4+3 tokens per path
        Assert.Equal(3, result.Compute.GeneratorCalls);
        Assert.Equal(3, result.Compute.PrmCalls);
        Assert.True(result.Compute.PrmTokens > 0);
    }
}
