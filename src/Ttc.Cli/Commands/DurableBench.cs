using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Ttc.Durable;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>Orchestration overhead per step and batch throughput against a storage account (Azurite).</summary>
internal static class DurableBench
{
    public static async Task<int> RunAsync(string storage, int problems, int n, TextWriter stdout, CancellationToken ct)
    {
        var options = new InferenceOptions();
        using var generator = ModelCatalog.OpenGenerator("small", options);
        using var prm = ModelCatalog.OpenPrm("prm", options);
        var context = new SearchContext(generator.Generator, prm);
        var dataset = ModelCatalog.ReadDataset("synthetic", problems);

        // 1. Overhead of checkpoint + status per step, beside the step's own compute.
        var client = await HubAsync(storage, ct);
        var orchestrator = new SolveOrchestrator(client.Instances, client.Checkpoints, NullLogger<SolveOrchestrator>.Instance);
        var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = n, BeamWidth = 4 };
        double compute = 0;
        int steps = 0;
        long largest = 0;
        foreach (var p in dataset)
        {
            var id = await client.StartSolveAsync(p.Problem, config, cancellationToken: ct);
            var clock = Stopwatch.StartNew();
            await orchestrator.RunAsync(id, context, ct);
            compute += clock.Elapsed.TotalSeconds;
            var checkpoint = await client.Checkpoints.LoadAsync(id, ct);
            steps += checkpoint!.State.Iteration;
            largest = System.Math.Max(largest, checkpoint.Bytes);
        }

        double overhead = orchestrator.OverheadSeconds;
        stdout.WriteLine($"orchestration, beam search n={n}, {dataset.Count} problems, {steps} steps: overhead (checkpoint write + status update) {overhead / steps * 1000:F1} ms per step = {overhead / compute:P1} of step time (goal < 5%); "
            + $"checkpoints {orchestrator.CheckpointBytesWritten / (double)steps / 1024:F1} KiB per step on average, largest {largest / 1024.0:F1} KiB");

        // 2. Batch throughput: the same solves drained by 1, then 2 workers.
        foreach (int workers in new[] { 1, 2 })
        {
            var hub = await HubAsync(storage, ct);
            var solveConfig = new SearchConfig { Strategy = StrategyNames.BestOfN, N = 4 };
            var ids = new List<string>();
            foreach (var p in dataset)
            {
                ids.Add(await hub.StartSolveAsync(p.Problem, solveConfig, cancellationToken: ct));
            }

            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var loops = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                var worker = new DurableWorker(hub.WorkItems, hub.Instances, new SolveOrchestrator(hub.Instances, hub.Checkpoints, NullLogger<SolveOrchestrator>.Instance), () => context, hub.Options, NullLogger<DurableWorker>.Instance);
                while (!stop.IsCancellationRequested && await worker.ProcessNextAsync(stop.Token))
                {
                }
            })).ToList();
            await Task.WhenAll(loops);
            double minutes = clock.Elapsed.TotalMinutes;
            int done = 0;
            foreach (var id in ids)
            {
                done += (await hub.Instances.GetAsync(id, ct))!.RuntimeStatus == RuntimeStatus.Completed ? 1 : 0;
            }

            stdout.WriteLine($"batch throughput with {workers} worker(s): {done}/{ids.Count} solves (best_of_n n=4) in {clock.Elapsed.TotalSeconds:F1} s = {done / minutes:F0} problems/minute on {Environment.ProcessorCount} cores");
        }

        return ExitCodes.Ok;
    }

    private static async Task<DurableClient> HubAsync(string storage, CancellationToken ct)
    {
        var client = new DurableClient(storage, new DurableOptions { HubName = "bench" + Guid.NewGuid().ToString("N")[..8] });
        await client.InitializeAsync(ct);
        return client;
    }

}
