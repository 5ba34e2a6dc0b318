using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Ttc.Orchestrations;
using Ttc.Search;
using TtcFunctions;
using TtcFunctions.Apis;

namespace Ttc.Cli.Commands;

/// <summary>
/// The durable engine's overhead and throughput against a storage account (Azurite): per-step orchestration
/// overhead from the activities' spans (the gap from the last activity of step k to the first of step
/// k + 1, and every gap between phases), and batch throughput with 1 and 2 worker processes.
/// </summary>
internal static class DurableBench
{
    private sealed record Span(string Instance, string Name, DateTime Start, DateTime End);

    public static async Task<int> RunAsync(string storage, int problems, IReadOnlyList<int> ns, int batchProblems, TextWriter stdout, CancellationToken ct)
    {
        var spans = new ConcurrentBag<Span>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Tracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => spans.Add(new Span(a.GetTagItem(Tracing.InstanceTag) as string ?? string.Empty, a.OperationName, a.StartTimeUtc, a.StartTimeUtc + a.Duration)),
        };
        ActivitySource.AddActivityListener(listener);

        var hub = "bench" + Guid.NewGuid().ToString("N")[..10];
        await using (var app = HostApp.Build(["--urls", "http://127.0.0.1:0", "--AzureWebJobsStorage", storage, "--extensions:durableTask:hubName", hub]))
        {
            await app.StartAsync(ct);
            var client = app.Services.GetRequiredService<IOrchestrationClient>();
            var settings = app.Services.GetRequiredService<HostSettings>();
            var dataset = ModelCatalog.ReadDataset("synthetic", problems);
            stdout.WriteLine($"durable engine (DTFx on Azure Storage), one in-process worker, hub {hub}, {Environment.ProcessorCount} cores");
            foreach (int n in ns)
            {
                var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = n, BeamWidth = 4, Seed = 0 };
                var ids = new List<string>();
                foreach (var p in dataset)
                {
                    var id = $"{hub}-n{n}-{ids.Count}";
                    await client.StartAsync(DurableNames.SolveOrchestrator, new SolveInput(p.Problem, config, settings.Workflow()), id, ct);
                    await WaitAsync(client, id, ct);
                    ids.Add(id);
                }

                // Trees are saved beside the next step's first phase: only the inference activities are the critical path.
                Report(stdout, $"beam search n={n}", ids.Select(id => spans.Where(s => s.Instance == id && s.Name != DurableNames.SaveTreeActivity).OrderBy(s => s.Start).ToList()).ToList());
            }

            await app.StopAsync(ct);
        }

        if (batchProblems > 0)
        {
            await ThroughputAsync(storage, batchProblems, stdout, ct);
        }

        return ExitCodes.Ok;
    }

    private static async Task WaitAsync(IOrchestrationClient client, string id, CancellationToken ct)
    {
        while ((await client.GetAsync(id, showHistory: false, ct)) is not { IsFinished: true })
        {
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Per solve, the phases (activities of one name that overlap) in order; a step ends with its Score phase.</summary>
    private static void Report(TextWriter stdout, string label, List<List<Span>> solves)
    {
        var stepGaps = new List<double>();
        var overheadShare = new List<double>();
        double allGaps = 0, allSteps = 0;
        foreach (var spans in solves)
        {
            var phases = new List<(string Name, DateTime Start, DateTime End)>();
            foreach (var s in spans)
            {
                if (phases.Count > 0 && phases[^1].Name == s.Name && s.Start <= phases[^1].End)
                {
                    phases[^1] = (s.Name, phases[^1].Start, s.End > phases[^1].End ? s.End : phases[^1].End);
                }
                else
                {
                    phases.Add((s.Name, s.Start, s.End));
                }
            }

            for (int i = 1; i < phases.Count; i++)
            {
                double gap = (phases[i].Start - phases[i - 1].End).TotalMilliseconds;
                allGaps += gap;
                if (phases[i - 1].Name == DurableNames.ScoreActivity && phases[i].Name == DurableNames.GenerateActivity)
                {
                    stepGaps.Add(gap);
                }
            }

            allSteps += phases.Count == 0 ? 0 : (phases[^1].End - phases[0].Start).TotalMilliseconds;
        }

        stepGaps.Sort();
        overheadShare.Add(allSteps == 0 ? 0 : allGaps / allSteps);
        double median = stepGaps.Count == 0 ? 0 : stepGaps[stepGaps.Count / 2];
        double p95 = stepGaps.Count == 0 ? 0 : stepGaps[System.Math.Min(stepGaps.Count - 1, (int)(0.95 * stepGaps.Count))];
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {solves.Count} solves, {stepGaps.Count} step-to-step gaps: median {median:F0} ms, p95 {p95:F0} ms (goal: median <= 50 ms); all orchestration gaps between phases {allGaps / System.Math.Max(1, allSteps):P1} of solve time"));
    }

    /// <summary>A batch over the synthetic set, run by 1 then 2 worker processes on fresh hubs.</summary>
    private static async Task ThroughputAsync(string storage, int count, TextWriter stdout, CancellationToken ct)
    {
        var dll = Path.Combine(Path.GetDirectoryName(typeof(HostApp).Assembly.Location)!, "TtcFunctions.dll");
        var container = new BlobServiceClient(storage).GetBlobContainerClient(StorageNames.DefaultDatasetContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var blob = $"bench-{Guid.NewGuid():N}.jsonl";
        await container.GetBlobClient(blob).UploadAsync(BinaryData.FromString(string.Join("\n", File.ReadLines(ModelCatalog.SyntheticTestSet()).Take(count))), overwrite: true, ct);
        double? one = null;
        foreach (int workers in new[] { 1, 2 })
        {
            var hub = "bench" + Guid.NewGuid().ToString("N")[..10];
            var processes = new List<Process>();
            try
            {
                var urls = new List<string>();
                for (int w = 0; w < workers; w++)
                {
                    var (process, url) = await StartWorkerAsync(dll, storage, hub, w == 0 ? "api,worker,inference" : "worker,inference", ct);
                    processes.Add(process);
                    urls.Add(url);
                }

                using var http = new HttpClient { BaseAddress = new Uri(urls[0]) };
                var clock = Stopwatch.StartNew();
                var response = await http.PostAsync("/api/batches", new StringContent($$"""{"dataset": "{{blob}}", "strategy": "best_of_n", "n": 4, "seed": 0}""", System.Text.Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
                var status = response.Headers.Location!;
                while (!(await http.GetStringAsync(status, ct)).Contains("\"runtimeStatus\":\"Completed\"", StringComparison.Ordinal))
                {
                    await Task.Delay(250, ct);
                }

                double perMinute = count / clock.Elapsed.TotalMinutes;
                one ??= perMinute;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch of {count} problems (best_of_n n=4) with {workers} worker process(es): {perMinute:F0} problems/min ({perMinute / one.Value:F2}x one worker)"));
            }
            finally
            {
                foreach (var p in processes)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync(ct);
                    p.Dispose();
                }
            }
        }

        await container.DeleteBlobIfExistsAsync(blob, cancellationToken: ct);
    }

    private static async Task<(Process Process, string Url)> StartWorkerAsync(string dll, string storage, string hub, string roles, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--urls", "http://127.0.0.1:0", "--roles", roles, "--AzureWebJobsStorage", storage, "--extensions:durableTask:hubName", hub })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.Contains("Now listening on: ", StringComparison.Ordinal))
            {
                url.TrySetResult(line[(line.IndexOf("Now listening on: ", StringComparison.Ordinal) + 18)..].Trim());
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, await url.Task.WaitAsync(TimeSpan.FromSeconds(90), ct));
    }
}
