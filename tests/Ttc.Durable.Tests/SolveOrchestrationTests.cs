using System.Text.Json.Nodes;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Durable.Tests;

[Collection(nameof(StorageGroup))]
public class SolveOrchestrationTests(AzuriteFixture azurite) : DurableTestBase(azurite)
{
    [Fact(Timeout = 120_000)]
    public async Task Worker_SolveJob_CompletesWithAnswerCompletionAndCompute()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await Client.StartSolveAsync("Compute 7 + 5.", Beam, cancellationToken: ct);
        Assert.Equal(RuntimeStatus.Pending, (await Client.Instances.GetAsync(id, ct))!.RuntimeStatus);

        var done = await DrainAsync(Worker(Generator), id, TimeSpan.FromSeconds(60));
        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        var output = JsonNode.Parse(done.Output!)!;
        Assert.Contains("\\boxed{", output["completion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(output["compute"]!["generatedTokens"]!.GetValue<long>() > 0);
        Assert.True(output.AsObject().ContainsKey("answer"));
        Assert.Equal(0, await Client.WorkItems.CountAsync(ct)); // deleted only when finished
        var progress = JsonNode.Parse(done.CustomStatus!)!;
        Assert.True(progress["step"]!.GetValue<int>() >= 1);
    }

    [Fact(Timeout = 120_000)]
    public async Task Worker_CrashMidJob_AnotherWorkerResumesToTheUninterruptedResult()
    {
        var ct = TestContext.Current.CancellationToken;
        var expected = await SearchRunner.SolveAsync("Compute (3 + 4) * 2.", Beam, new SearchContext(Generator, Prm), cancellationToken: ct);

        var id = await Client.StartSolveAsync("Compute (3 + 4) * 2.", Beam, cancellationToken: ct);
        // The first worker dies after two generation calls (its step in flight is lost, not half-applied).
        Assert.True(await Worker(new FailingGenerator(Generator, succeedCalls: 2)).ProcessNextAsync(ct));
        var checkpoint = await Client.Checkpoints.LoadAsync(id, ct);
        Assert.Equal(2, checkpoint!.State.Iteration);
        Assert.Equal(RuntimeStatus.Running, (await Client.Instances.GetAsync(id, ct))!.RuntimeStatus);

        var done = await DrainAsync(Worker(Generator), id, TimeSpan.FromSeconds(60));
        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        var output = JsonNode.Parse(done.Output!)!;
        Assert.Equal(expected.Completion, output["completion"]!.GetValue<string>());
        Assert.Equal(expected.Answer, output["answer"]?.GetValue<string>());
        Assert.Equal(expected.Completions.Select(c => c.Text), output["completions"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()));
        Assert.Equal(expected.Compute.GeneratedTokens, output["compute"]!["generatedTokens"]!.GetValue<long>());
    }

    [Fact(Timeout = 120_000)]
    public async Task Orchestrators_RacingForOneInstance_NeverBothApplyAStep()
    {
        var ct = TestContext.Current.CancellationToken;
        var expected = await SearchRunner.SolveAsync("Compute 9 - 4 + 2.", Beam, new SearchContext(Generator, Prm), cancellationToken: ct);
        var id = await Client.StartSolveAsync("Compute 9 - 4 + 2.", Beam, cancellationToken: ct);
        await Client.Checkpoints.SaveAsync(id, Ttc.Search.StrategyRegistry.Get(Beam.Strategy).Start("Compute 9 - 4 + 2.", Beam), null, ct);

        // Both load the same checkpoint and compute the same step at the same time; one write must lose.
        var gate = new RendezvousGenerator(Generator, parties: 2);
        var outcomes = await Task.WhenAll(
            Orchestrator().RunAsync(id, new SearchContext(gate, Prm), ct),
            Orchestrator().RunAsync(id, new SearchContext(gate, Prm), ct));
        Assert.Contains(RunOutcome.Superseded, outcomes);
        Assert.Contains(RunOutcome.Done, outcomes);

        var done = (await Client.Instances.GetAsync(id, ct))!;
        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(expected.Completion, JsonNode.Parse(done.Output!)!["completion"]!.GetValue<string>());
        Assert.Equal(expected.Compute.GeneratedTokens, JsonNode.Parse(done.Output!)!["compute"]!["generatedTokens"]!.GetValue<long>());
    }

    [Fact(Timeout = 120_000)]
    public async Task Worker_AlwaysFailing_PoisonQueueAfterMaxDequeueCountAndInstanceSaysWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await Client.StartSolveAsync("Compute 1 + 1.", Beam, cancellationToken: ct);
        var done = await DrainAsync(Worker(new FailingGenerator(Generator, succeedCalls: 0)), id, TimeSpan.FromSeconds(60));

        Assert.Equal(RuntimeStatus.Failed, done.RuntimeStatus);
        var error = JsonNode.Parse(done.Output!)!["error"]!.GetValue<string>();
        Assert.Contains("poison queue", error, StringComparison.Ordinal);
        Assert.Contains("simulated inference failure", error, StringComparison.Ordinal);
        Assert.Contains($"failed {Options.MaxDequeueCount} time(s)", error, StringComparison.Ordinal);
        Assert.Single(await Client.WorkItems.PeekPoisonAsync(ct));
        Assert.Equal(0, await Client.WorkItems.CountAsync(ct));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("""{"SchemaVersion": 99, "Problem": "p"}""", "schema version 99")]
    public async Task Worker_CorruptCheckpoint_FailsWithReasonNoRetryLoop(string raw, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await Client.StartSolveAsync("Compute 1 + 1.", Beam, cancellationToken: ct);
        await Client.Checkpoints.WriteRawAsync(id, raw, ct);

        Assert.True(await Worker(Generator).ProcessNextAsync(ct));
        var done = (await Client.Instances.GetAsync(id, ct))!;
        Assert.Equal(RuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains(expected, done.Output!, StringComparison.Ordinal);
        Assert.Equal(0, await Client.WorkItems.CountAsync(ct));
        Assert.Empty(await Client.WorkItems.PeekPoisonAsync(ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task Terminate_RunningInstance_WorkerStopsAndStatusSaysTerminated()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await Client.StartSolveAsync("Compute 2 * 3.", Beam, cancellationToken: ct);
        Assert.True(await Worker(new FailingGenerator(Generator, succeedCalls: 1)).ProcessNextAsync(ct));
        Assert.True(await Client.TerminateAsync(id, "user asked", ct));
        Assert.False(await Client.TerminateAsync(id, "again", ct));

        var done = await DrainAsync(Worker(Generator), id, TimeSpan.FromSeconds(20));
        Assert.Equal(RuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Contains("user asked", done.Output!, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Purge_Instance_RemovesStatusAndCheckpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await Client.StartSolveAsync("Compute 2 * 3.", Beam, cancellationToken: ct);
        await DrainAsync(Worker(Generator), id, TimeSpan.FromSeconds(60));
        Assert.True(await Client.PurgeAsync(id, ct));
        Assert.Null(await Client.Instances.GetAsync(id, ct));
        Assert.Null(await Client.Checkpoints.LoadAsync(id, ct));
        Assert.False(await Client.PurgeAsync(id, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task InstanceStore_LargeOutput_KeptInABlobAndReadBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var big = new string('x', 100_000);
        var record = new InstanceRecord { InstanceId = "big", Output = big, CreatedTime = DateTimeOffset.UtcNow };
        Assert.True(await Client.Instances.CreateAsync(record, ct));
        Assert.Equal(big, (await Client.Instances.GetAsync("big", ct))!.Output);
    }
}
