using System.Text.Json;

namespace Ttc.Search.Tests;

public class DeterminismTests
{
    private static readonly IProcessRewardModel Prm = new ScriptedPrm(r => r.Steps.Select(StableScores.Of).ToList());

    public static TheoryData<string> AllStrategies => [.. StrategyNames.All];

    // compute_optimal needs a policy: two bins, so both a sampling and a tree strategy get chosen.
    private static SearchConfig Config(string strategy) => new()
    {
        Strategy = strategy,
        Policy = strategy != StrategyNames.ComputeOptimal ? null : new ComputeOptimalPolicy
        {
            ProbeSamples = 3,
            Thresholds = [0.5],
            Entries = [new PolicyEntry(1, 8, StrategyNames.WeightedBestOfN), new PolicyEntry(2, 8, StrategyNames.BeamSearch, BeamWidth: 2)],
        },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(AllStrategies))]
    public async Task SolveAsync_SameSeed_SameResult(string strategy)
    {
        var config = Config(strategy) with { N = 8, BeamWidth = 2, NumIterations = 6, Seed = 5 };
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
    public async Task Apply_StateRestoredFromJsonAfterEveryPhase_EqualsUninterruptedRun(string strategy)
    {
        var config = Config(strategy) with { N = 8, BeamWidth = 2, NumIterations = 6, Seed = 11, Lookahead = 2 };
        var context = new SearchContext(new RandomGenerator(), Prm);
        var expected = await SearchRunner.SolveAsync("p", config, context, cancellationToken: TestContext.Current.CancellationToken);

        var impl = StrategyRegistry.Get(strategy);
        var json = JsonSerializer.Serialize(impl.Start("p", config));
        var phases = new List<SearchPhase>();
        while (true)
        {
            // Each phase starts from a checkpoint, as a worker that crashed and restarted would.
            var state = JsonSerializer.Deserialize<SearchState>(json)!;
            if (state.Finished)
            {
                var resumed = impl.Finish(state);
                Assert.Equal(expected.Completions, resumed.Completions, CompletionComparer.Instance);
                Assert.Equal(expected.Answer, resumed.Answer);
                Assert.Equal(expected.Compute.GeneratedTokens, resumed.Compute.GeneratedTokens);
                Assert.Equal(expected.Compute.GeneratorCalls, resumed.Compute.GeneratorCalls);
                break;
            }

            phases.Add(state.Phase);
            var plan = impl.Plan(state);
            json = JsonSerializer.Serialize(impl.Apply(state, await context.ExecuteAsync(plan, TestContext.Current.CancellationToken)));
        }

        if (strategy is StrategyNames.BeamSearch or StrategyNames.Dvts)
        {
            Assert.Contains(SearchPhase.Lookahead, phases);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task RunAsync_ManySearchesAtOnce_SameResultsAsOneByOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var jobs = StrategyNames.All
            .SelectMany(s => Enumerable.Range(0, 4).Select(seed => Config(s) with { N = 8, BeamWidth = 2, NumIterations = 5, Seed = seed, Lookahead = seed % 2 }))
            .Select((c, i) => (Problem: $"problem {i % 3}", Config: c))
            .ToList();
        var alone = new List<SearchResult>();
        foreach (var (problem, config) in jobs)
        {
            alone.Add(await SearchRunner.SolveAsync(problem, config, new SearchContext(new RandomGenerator(), Prm), cancellationToken: ct));
        }

        var generator = new ScriptedCounter(new RandomGenerator());
        var runner = new SearchRunner(new SearchContext(generator, Prm), concurrency: 7);
        var together = new SearchResult?[jobs.Count];
        await runner.RunAsync(
            jobs.Select((j, i) => (i, StrategyRegistry.Get(j.Config.Strategy).Start(j.Problem, j.Config))),
            (i, r, _) => { together[i] = r; return Task.CompletedTask; },
            cancellationToken: ct);

        for (int i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(alone[i].Completions, together[i]!.Completions, CompletionComparer.Instance);
            Assert.Equal(alone[i].Answer, together[i]!.Answer);
            Assert.Equal(alone[i].Compute.GeneratedTokens, together[i]!.Compute.GeneratedTokens);
            Assert.Equal(alone[i].Compute.PrmTokens, together[i]!.Compute.PrmTokens);
            Assert.Equal(alone[i].Compute.GeneratorCalls, together[i]!.Compute.GeneratorCalls);
        }

        Assert.True(generator.MaxBatch > 8, $"the runner never merged searches into one call (largest batch {generator.MaxBatch})");
        Assert.Equal(generator.Calls, runner.Stats.GenerationCalls);
    }

    private sealed class ScriptedCounter(IStepGenerator inner) : IStepGenerator
    {
        public int Calls { get; private set; }

        public int MaxBatch { get; private set; }

        public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
        {
            Calls++;
            MaxBatch = System.Math.Max(MaxBatch, requests.Count);
            return inner.GenerateAsync(requests, cancellationToken);
        }
    }

    private sealed class CompletionComparer : IEqualityComparer<Completion>
    {
        public static readonly CompletionComparer Instance = new();

        public bool Equals(Completion? x, Completion? y) =>
            x is not null && y is not null && x.Text == y.Text && x.Scores.SequenceEqual(y.Scores)
            && x.AggregatedScore == y.AggregatedScore && x.Answer == y.Answer && x.GeneratedTokens == y.GeneratedTokens;

        public int GetHashCode(Completion obj) => obj.Text.Length;
    }
}
