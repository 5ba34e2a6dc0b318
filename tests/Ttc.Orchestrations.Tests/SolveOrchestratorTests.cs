using System.Text.Json;
using Ttc.Search;

namespace Ttc.Orchestrations.Tests;

public class SolveOrchestratorTests
{
    // Stable fake models: a step's text and score depend only on the request (as a seeded model's would).
    private static GeneratedStep Generate(StepRequest r)
    {
        int depth = r.Prefix.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length;
        long pick = r.Sampling.Seed % 5;
        return r.StopSequence is null || depth >= 3 || pick == 0
            ? new GeneratedStep($"so \\boxed{{{pick}}}", StopReason.EndOfSequence, r.Prefix.Length + 10, 6)
            : new GeneratedStep($"step {depth}.{pick}\n\n", StopReason.Separator, r.Prefix.Length + 10, 4);
    }

    private static object? Models(string name, object? input) => input switch
    {
        GenerateInput g => new GenerateOutput(g.Requests.Select(Generate).ToList(), 0.25),
        ScoreInput s => new ScoreOutput(s.Requests.Select(r => new StepScores(r.Steps.Select(t => (t.Length % 7) / 7.0).ToList(), r.Steps.Count)).ToList(), 0.125),
        SaveTreeInput t => $"trees/{t.InstanceId}/step-{t.State.Iteration:D4}.json",
        _ => throw new InvalidOperationException($"unexpected activity {name}"),
    };

    /// <summary>Runs a solve through its ContinueAsNew chain; each execution's calls and decisions.</summary>
    private static async Task<(SearchResult Result, List<List<Call>> Executions, List<FakeOrchestrationContext> Contexts)> RunAsync(SolveInput input, List<List<Call>>? recorded = null)
    {
        var executions = new List<List<Call>>();
        var contexts = new List<FakeOrchestrationContext>();
        while (true)
        {
            var context = new FakeOrchestrationContext("solve-1", recorded is null ? Models : null, recorded?[executions.Count]);
            var run = new SolveOrchestrator().RunAsync(context, input);
            while (!run.IsCompleted)
            {
                await Task.Delay(1);
                if (context.HasPending)
                {
                    context.CompletePending();
                }
            }

            var output = await run;
            executions.Add(context.Calls);
            contexts.Add(context);
            if (output is not null)
            {
                Assert.Null(context.ContinuedAsNewWith);
                return (output, executions, contexts);
            }

            input = Assert.IsType<SolveInput>(context.ContinuedAsNewWith);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData(StrategyNames.BeamSearch)]
    [InlineData(StrategyNames.Dvts)]
    [InlineData(StrategyNames.WeightedBestOfN)]
    public async Task Run_ReplayOfTheRecordedHistory_MakesTheSameDecisions(string strategy)
    {
        var input = new SolveInput("p", new SearchConfig { Strategy = strategy, N = 8, BeamWidth = 2, NumIterations = 5, Lookahead = 1, Seed = 4 }, new WorkflowOptions(MaxBatchSize: 3));
        var (live, recorded, liveContexts) = await RunAsync(input);
        var (replayed, again, replayContexts) = await RunAsync(input, recorded);

        Assert.Equal(JsonSerializer.Serialize(live, TtcJson.Options), JsonSerializer.Serialize(replayed, TtcJson.Options));
        Assert.Equal(recorded.Select(e => e.Count), again.Select(e => e.Count));
        Assert.Equal(liveContexts.SelectMany(c => c.CustomStatuses), replayContexts.SelectMany(c => c.CustomStatuses));
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_SameAnswersAsTheInMemoryRunner()
    {
        var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 2, NumIterations = 6, Lookahead = 1, Seed = 9 };
        var (durable, _, _) = await RunAsync(new SolveInput("p", config, new WorkflowOptions(MaxBatchSize: 3)));
        var inMemory = await SearchRunner.SolveAsync("p", config, new SearchContext(new FakeGenerator(Generate), new FakePrm()), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(inMemory.Completions.Select(c => c.Text), durable.Completions.Select(c => c.Text));
        Assert.Equal(inMemory.Answer, durable.Answer);
        Assert.Equal(inMemory.Compute.GeneratedTokens, durable.Compute.GeneratedTokens);
        Assert.Equal(inMemory.Compute.PrmTokens, durable.Compute.PrmTokens);
        Assert.Equal(inMemory.Compute.GeneratorCalls, durable.Compute.GeneratorCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_OneStepPerExecution_ChunksAllInFlightTogether_TreeSavedEachStep()
    {
        var input = new SolveInput("p", new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 2, NumIterations = 4, Seed = 1 }, new WorkflowOptions(MaxBatchSize: 3));
        var (result, executions, contexts) = await RunAsync(input);

        Assert.Equal(result.Iterations, executions.Count);
        // n = 8 in chunks of at most 3: each phase is three activities in flight at once.
        Assert.Equal(3, contexts[0].InFlight[0]);
        Assert.All(executions[0].Where(c => c.Name == DurableNames.GenerateActivity), c => Assert.InRange(JsonDocument.Parse(c.Input).RootElement.GetProperty("requests").GetArrayLength(), 1, 3));
        // Each step's tree is saved once: by the next execution beside its first phase, the last one before the result.
        var trees = executions.SelectMany(e => e.Where(c => c.Name == DurableNames.SaveTreeActivity))
            .Select(c => JsonDocument.Parse(c.Input).RootElement.GetProperty("state").GetProperty("iteration").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, result.Iterations), trees);
        Assert.Equal(DurableNames.SaveTreeActivity, executions[^1][^1].Name);
        Assert.Equal(3 + 1, contexts[1].InFlight[0]); // the first phase's three chunks and the previous step's tree
        Assert.Equal(Enumerable.Range(1, executions.Count), contexts.Select(c => JsonDocument.Parse(c.CustomStatuses.Single()).RootElement.GetProperty("step").GetInt32()));
        // Seconds come from the activities: the slowest chunk of each phase.
        Assert.Equal(0.25 * result.Compute.GeneratorCalls, result.Compute.GenerationSeconds, 9);
    }

    private sealed class FakeGenerator(Func<StepRequest, GeneratedStep> step) : IStepGenerator
    {
        public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<GeneratedStep>>(requests.Select(step).ToList());
    }

    private sealed class FakePrm : IProcessRewardModel
    {
        public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<StepScores>>(requests.Select(r => new StepScores(r.Steps.Select(t => (t.Length % 7) / 7.0).ToList(), r.Steps.Count)).ToList());
    }
}
