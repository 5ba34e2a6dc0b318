using static Ttc.Search.Tests.ScriptedGenerator;

namespace Ttc.Search.Tests;

public class DvtsTests
{
    private static SearchConfig Config(int n, int m, int iterations) => new()
    {
        Strategy = StrategyNames.Dvts, N = n, BeamWidth = m, NumIterations = iterations,
    };

    [Fact(Timeout = 120_000)]
    public async Task Iteration_EachSubtree_AppendsItsBestCandidate()
    {
        var gen = new ScriptedGenerator((r, i) => Step("c" + i));
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double> { ["c0"] = 0.3, ["c1"] = 0.8, ["c2"] = 0.6, ["c3"] = 0.1 });
        var strategy = StrategyRegistry.Get(StrategyNames.Dvts);
        var state = strategy.Start("p", Config(4, 2, 5));
        Assert.Equal(2, state.Active.Count); // n/M subtrees

        state = await SearchRunner.IterateAsync(state, new SearchContext(gen, prm), TestContext.Current.CancellationToken);
        Assert.Equal(4, gen.Calls[0].Count); // M candidates per subtree
        Assert.Equal(["c1\n\n", "c2\n\n"], state.Active.Select(b => b.Text));
        Assert.Equal([0, 1], state.Active.Select(b => b.Subtree));
    }

    [Fact(Timeout = 120_000)]
    public async Task SolveAsync_SubtreesEnd_OnBoxedOrEndOfSequence_OutputsMPerSubtree()
    {
        var gen = new ScriptedGenerator((r, i) => r.Prefix.Length == 0
            ? Step("c" + i)
            : i < 2 ? Step($"so \\boxed{{{i}}}") : Final($"end \\boxed{{{i}}}"));
        var prm = ScriptedPrm.ByStep(new Dictionary<string, double> { ["c1"] = 0.8, ["c2"] = 0.6, ["so \\boxed{1}"] = 0.9 });
        var result = await SearchRunner.SolveAsync("p", Config(4, 2, 10), new SearchContext(gen, prm), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, gen.Calls.Count); // both subtrees ended after the second step
        Assert.Equal(4, result.Completions.Count);
        Assert.Equal(["c1\n\nso \\boxed{0}\n\n", "c1\n\nso \\boxed{1}\n\n", "c2\n\nend \\boxed{2}", "c2\n\nend \\boxed{3}"], result.Completions.Select(c => c.Text));
        Assert.Equal("1", result.Answer); // the best-scored sibling
        Assert.Equal(0.9, result.Score);
    }

    [Fact(Timeout = 120_000)]
    public async Task SolveAsync_TokenCounts_AreReportedNotMinusOne()
    {
        var gen = new ScriptedGenerator((r, i) => r.StopSequence is null ? Final("abc") : Step("xy"));
        var result = await SearchRunner.SolveAsync("p", Config(4, 2, 2), new SearchContext(gen, ScriptedPrm.ByStep(new Dictionary<string, double>())), cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(result.Completions, c => Assert.Equal(3 + 4, c.GeneratedTokens));
        Assert.Equal((4 * 3) + (4 * 4), result.Compute.GeneratedTokens);
        Assert.Equal(2, result.Compute.PrmCalls);
    }

    [Fact(Timeout = 120_000)]
    public async Task Iteration_MinAggregation_ChoosesByWeakestStep()
    {
        // Candidate 0's last step is best, but its lookahead-free path has a weak step under min.
        var gen = new ScriptedGenerator((r, i) => r.Prefix.Length == 0 ? Step("root") : Step(i == 0 ? "hi" : "mid"));
        var prm = new ScriptedPrm(r => r.Steps.Count == 1 ? [0.5] : r.Steps[1] == "hi" ? [0.1, 0.9] : [0.5, 0.6]);
        var strategy = StrategyRegistry.Get(StrategyNames.Dvts);
        var state = strategy.Start("p", Config(2, 2, 5) with { Aggregation = AggregationStrategy.Min });
        var context = new SearchContext(gen, prm);
        state = await SearchRunner.IterateAsync(state, context, TestContext.Current.CancellationToken);
        state = await SearchRunner.IterateAsync(state, context, TestContext.Current.CancellationToken);
        Assert.EndsWith("mid\n\n", Assert.Single(state.Active).Text, StringComparison.Ordinal);
    }
}
