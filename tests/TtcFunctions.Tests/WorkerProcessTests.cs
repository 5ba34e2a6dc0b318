using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Ttc.Durable;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

[Collection(nameof(ServiceGroup))]
public class WorkerProcessTests(ServiceFixture service)
{
    [Fact(Timeout = 300_000)]
    public async Task WorkerProcess_KilledHardMidJob_AnotherWorkerFinishesWithTheUninterruptedResult()
    {
        var ct = TestContext.Current.CancellationToken;
        service.Azurite.Require();
        var options = new DurableOptions { HubName = "k" + Guid.NewGuid().ToString("N")[..12], WorkItemVisibilityTimeout = TimeSpan.FromSeconds(3), MaxPollingInterval = TimeSpan.FromMilliseconds(200) };
        var client = new DurableClient(service.Azurite.ConnectionString, options);
        await client.InitializeAsync(ct);
        var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 64, BeamWidth = 4, Seed = 5 };
        const string problem = "Compute ((12 + 7) * 3 - 9 + 4) * 2.";
        using var generator = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions());
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions());
        var expected = await SearchRunner.SolveAsync(problem, config, new SearchContext(generator, prm), cancellationToken: ct);

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        string id;
        using (var worker = StartWorkerProcess(options.HubName, log))
        {
            var started = DateTime.UtcNow.AddSeconds(60);
            while (!log.Any(l => l.Contains("Application started", StringComparison.Ordinal)) && DateTime.UtcNow < started)
            {
                await Task.Delay(50, ct);
            }

            id = await client.StartSolveAsync(problem, config, cancellationToken: ct);
            // Kill the worker (no shutdown, no cleanup) as soon as it has checkpointed a step.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            Checkpoint? checkpoint = null;
            while (DateTime.UtcNow < deadline && !worker.HasExited)
            {
                checkpoint = await client.Checkpoints.LoadAsync(id, ct);
                if (checkpoint is { State.Iteration: >= 1 })
                {
                    break;
                }

                await Task.Delay(20, ct);
            }

            bool exitedEarly = worker.HasExited;
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync(ct);
            var status = await client.Instances.GetAsync(id, ct);
            log.Enqueue($"exited early: {exitedEarly}; status {status?.RuntimeStatus}, last error {status?.LastError}, queue {await client.WorkItems.CountAsync(ct)}");
            Assert.True(checkpoint is { State.Iteration: >= 1 }, "the worker process never checkpointed a step:\n" + string.Join("\n", log.TakeLast(40)));
            Assert.False(checkpoint!.State.Finished, "the job finished before the kill; make it longer");
        }

        Assert.Equal(RuntimeStatus.Running, (await client.Instances.GetAsync(id, ct))!.RuntimeStatus);
        var survivor = new DurableWorker(
            client.WorkItems, client.Instances, new SolveOrchestrator(client.Instances, client.Checkpoints, NullLogger<SolveOrchestrator>.Instance),
            () => new SearchContext(generator, prm), options, NullLogger<DurableWorker>.Instance);
        var until = DateTime.UtcNow.AddSeconds(120);
        InstanceRecord done;
        while (!(done = (await client.Instances.GetAsync(id, ct))!).RuntimeStatus.IsTerminal() && DateTime.UtcNow < until)
        {
            if (!await survivor.ProcessNextAsync(ct))
            {
                await Task.Delay(250, ct);
            }
        }

        Assert.Equal(RuntimeStatus.Completed, done.RuntimeStatus);
        var output = JsonNode.Parse(done.Output!)!;
        Assert.Equal(expected.Completions.Select(c => c.Text), output["completions"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()));
        Assert.Equal(expected.Answer, output["answer"]?.GetValue<string>());
        Assert.Equal(expected.Compute.GeneratedTokens, output["compute"]!["generatedTokens"]!.GetValue<long>());
    }

    private Process StartWorkerProcess(string hub, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TtcFunctions.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", "http://127.0.0.1:0", "--roles", "worker,inference",
                "--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"),
                "--AzureWebJobsStorage", service.Azurite.ConnectionString,
                "--extensions:durableTask:hubName", hub,
                "--extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout", "00:00:03",
                "--extensions:queues:maxPollingInterval", "00:00:00.200",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi)!;
        // Drain both pipes, or a chatty child blocks on a full pipe.
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
