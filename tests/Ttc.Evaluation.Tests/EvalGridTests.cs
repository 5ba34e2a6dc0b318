using Ttc.Search;

namespace Ttc.Evaluation.Tests;

public class EvalGridTests
{
    private static readonly EvalProblem[] Problems = [new("a", "Compute 7 + 5.", "12", 1), new("b", "Compute 6 + 6.", "12", 3), new("c", "Compute 3 * 4.", "12", 5)];

    private static SearchConfig Config(string strategy, int n, long seed) => new() { Strategy = strategy, N = n, Seed = seed, BeamWidth = System.Math.Min(2, n) };

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_ProblemRefusedByAdmit_SkippedLinesWithTheReasonAndTheOthersRun()
    {
        var unit = EvalUnit.Direct("small", new SearchConfig { Strategy = StrategyNames.Greedy, N = 1 });
        EvalProblem[] problems = [new("a", "Compute 7 + 5.", "12", 1), new("b", "too long", "1", 5), new("c", "Compute 6 + 6.", "12", 2)];
        var lines = new List<EvalLine>();
        await EvalGrid.RunAsync(
            unit,
            problems,
            new SearchContext(new SeededGenerator(), null),
            new EvalCosts(1000, 0),
            2,
            (l, _) => { lines.AddRange(l); return Task.CompletedTask; },
            p => p == "too long" ? "problem: the prompt has 900 tokens; the generator 'g' supports 512" : null,
            TestContext.Current.CancellationToken);

        Assert.Equal(3, lines.Count);
        var skipped = Assert.Single(lines, l => l.Skipped is not null);
        Assert.Equal("b", skipped.UniqueId);
        Assert.Equal("problem: the prompt has 900 tokens; the generator 'g' supports 512", skipped.Skipped);
        Assert.All(lines.Where(l => l.Skipped is null), l => Assert.Equal(2.0 * 1000 * l.GeneratedTokens, l.Flops));

        var row = Assert.Single(EvalSummary.Rows(lines));
        Assert.Equal(2, row.Accuracy.Problems);
        Assert.Equal("b", Assert.Single(row.Skipped).Id);
        Assert.Contains("1 problem(s) skipped", EvalSummary.Markdown([row], DifficultyMethod.Level), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task PoolLines_AtEachN_SameAsRunningThatStrategyAtThatN()
    {
        var units = EvalPlan.Build(["small"], [StrategyNames.Majority, StrategyNames.BestOfN, StrategyNames.WeightedBestOfN], [1, 4, 16], [7], Config);
        var pool = Assert.Single(units);
        Assert.True(pool.Pool);
        Assert.Equal(16, pool.Config.N);
        var context = new SearchContext(new SeededGenerator(), new LeaningPrm());
        var pooled = new List<EvalLine>();
        await EvalGrid.RunAsync(pool, Problems, context, new EvalCosts(1, 1), 3, (l, _) => { pooled.AddRange(l); return Task.CompletedTask; }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Problems.Length * 9, pooled.Count);

        foreach (var cell in pool.Cells)
        {
            var direct = new List<EvalLine>();
            await EvalGrid.RunAsync(EvalUnit.Direct("small", cell), Problems, context, new EvalCosts(1, 1), 3, (l, _) => { direct.AddRange(l); return Task.CompletedTask; }, cancellationToken: TestContext.Current.CancellationToken);
            foreach (var d in direct)
            {
                var p = Assert.Single(pooled, l => l.Key == d.Key);
                Assert.True(p.Subsampled);
                Assert.Equal((d.Answer, d.Correct, d.GeneratedTokens, d.PrmTokens), (p.Answer, p.Correct, p.GeneratedTokens, p.PrmTokens));
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task AdaptiveLines_SameAnswerAsTheFullBudgetAndNoMoreCompute()
    {
        var units = EvalPlan.Build(["small"], [StrategyNames.Majority, StrategyNames.WeightedBestOfN], [16], [3], Config, adaptiveRound: 4);
        var lines = new List<EvalLine>();
        await EvalGrid.RunAsync(units[0], Problems, new SearchContext(new SeededGenerator(), new LeaningPrm()), new EvalCosts(1, 1), 3, (l, _) => { lines.AddRange(l); return Task.CompletedTask; }, cancellationToken: TestContext.Current.CancellationToken);

        foreach (var adaptive in lines.Where(l => l.AdaptiveRound > 0))
        {
            var full = Assert.Single(lines, l => l.AdaptiveRound == 0 && l.Strategy == adaptive.Strategy && l.UniqueId == adaptive.UniqueId);
            Assert.Equal(full.Correct, adaptive.Correct);
            Assert.InRange(adaptive.GeneratedTokens, 1, full.GeneratedTokens);
            Assert.EndsWith("(adaptive)", adaptive.Label, StringComparison.Ordinal);
        }

        // The same stop as the strategy itself makes when it runs with the adaptive budget.
        var cell = units[0].Cells.First(c => c.AdaptiveRound > 0 && c.Strategy == StrategyNames.WeightedBestOfN);
        var run = await SearchRunner.SolveAsync(Problems[0].Problem, cell, new SearchContext(new SeededGenerator(), new LeaningPrm()), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(run.Compute.GeneratedTokens, Assert.Single(lines, l => l.Key == EvalLine.For("small", cell, Problems[0]).Key).GeneratedTokens);
    }

    [Fact]
    public void Build_Grid_GreedyOncePoolPerSeedSearchesPerNAndSeed()
    {
        var units = EvalPlan.Build(["small"], [StrategyNames.Greedy, StrategyNames.Majority, StrategyNames.BeamSearch, StrategyNames.Dvts], [4, 1, 16], [0, 1], Config);
        Assert.Single(units, u => u.Config.Strategy == StrategyNames.Greedy);
        Assert.Equal(2, units.Count(u => u.Pool));
        Assert.Equal(12, units.Count(u => u.Config.Strategy is StrategyNames.BeamSearch or StrategyNames.Dvts));
        // Small budgets first, so a stopped run has every strategy at the small ones.
        var searched = units.Where(u => !u.Pool && u.Config.Strategy != StrategyNames.Greedy).Select(u => u.Config.N).ToList();
        Assert.Equal(searched.Order(), searched);

        var withReference = EvalPlan.Build(["small", "large"], [StrategyNames.BeamSearch], [4], [0], Config, references: ["large"]);
        Assert.Equal([StrategyNames.Greedy, StrategyNames.Majority], withReference.Where(u => u.Generator == "large").SelectMany(u => u.Cells).Select(c => c.Strategy).Distinct());
    }

    [Fact]
    public void ParametersFromConfig_ShippedSmallGeneratorShape_MatchesItsTrainingCount()
    {
        const string config = """{"vocab_size": 102, "hidden_size": 96, "intermediate_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 24, "tie_word_embeddings": false}""";
        Assert.Equal(425_952, EvalCosts.ParametersFromConfig(config)); // models/generator-small/eval.json
    }
}
