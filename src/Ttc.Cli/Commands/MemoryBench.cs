using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>
/// Peak working set of one beam search at n = 64 on a long problem (beams run into the 512-token
/// context) and of a load of many solves in flight at once, each scenario in a fresh process as a
/// worker would run it (figures printed, never asserted).
/// </summary>
internal static class MemoryBench
{
    /// <summary>MATH-500's first problem: the small model rambles on it until the context ends.</summary>
    public const string LongProblem = "Convert the point $(0,3)$ in rectangular coordinates to polar coordinates.  Enter your answer in the form $(r,\\theta),$ where $r > 0$ and $0 \\le \\theta < 2 \\pi.$";

    /// <summary>What to measure.</summary>
    /// <param name="Scenario">"search", "load", or null for both, each in a child process.</param>
    /// <param name="Generator">Generator name or folder.</param>
    /// <param name="N">Budget of the single search.</param>
    /// <param name="Solves">Problems of the load (synthetic held-out set).</param>
    /// <param name="LoadN">Beam search budget of each solve of the load.</param>
    /// <param name="Concurrency">Solves of the load in flight at once.</param>
    /// <param name="PrefixCacheMegabytes">The generator's prefix cache (the default when null).</param>
    public sealed record Settings(string? Scenario, string Generator, int N, int Solves, int LoadN, int Concurrency, int? PrefixCacheMegabytes);

    public static async Task<int> RunAsync(Settings s, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (s.Scenario is null)
        {
            stdout.WriteLine($"memory: {Environment.ProcessorCount} cores, generator {s.Generator}, prefix cache {s.PrefixCacheMegabytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"} MiB; each scenario in a fresh process");
            foreach (var scenario in new[] { "search", "load" })
            {
                if (await ChildAsync(scenario, s, stderr, ct) is not { } o)
                {
                    return ExitCodes.Error;
                }

                stdout.WriteLine($"{o["title"]}: peak working set {o["peakWorkingSetMiB"]} MiB (after loading the models {o["loadedWorkingSetMiB"]} MiB; GC-committed memory at the peak {o["managedAtPeakMiB"]} MiB); {o["seconds"]} s");
            }

            return ExitCodes.Ok;
        }

        var options = new InferenceOptions();
        if (s.PrefixCacheMegabytes is { } mb)
        {
            options.PrefixCacheMegabytes = mb;
        }

        using var generator = OnnxStepGenerator.Open(ModelCatalog.GeneratorFolder(s.Generator), options);
        using var prm = ModelCatalog.OpenPrm("prm", options);
        long loaded = Process.GetCurrentProcess().WorkingSet64;
        using var sampler = new PeakSampler();
        var context = new SearchContext(generator, prm);
        var clock = Stopwatch.StartNew();
        string title;
        if (s.Scenario == "search")
        {
            var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = s.N, BeamWidth = 4, Seed = 0 };
            var result = await SearchRunner.SolveAsync(LongProblem, config, context, cancellationToken: ct);
            title = $"one beam search, n = {s.N}, {result.Iterations} iterations, {result.Compute.GeneratedTokens} generated tokens";
        }
        else
        {
            var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = s.LoadN, BeamWidth = 4, Seed = 0 };
            var problems = ModelCatalog.ReadDataset("synthetic", s.Solves);
            var strategy = StrategyRegistry.Get(config.Strategy);
            int solved = 0;
            await new SearchRunner(context, s.Concurrency).RunAsync(
                problems.Select((p, i) => (i, strategy.Start(p.Problem, config))),
                (_, _, _) => { solved++; return Task.CompletedTask; },
                cancellationToken: ct);
            title = $"{solved} beam searches (n = {s.LoadN}, synthetic problems), {s.Concurrency} in flight";
        }

        var line = new JsonObject
        {
            ["scenario"] = s.Scenario,
            ["title"] = title,
            ["peakWorkingSetMiB"] = Process.GetCurrentProcess().PeakWorkingSet64 >> 20,
            ["loadedWorkingSetMiB"] = loaded >> 20,
            ["managedHeapMiB"] = GC.GetGCMemoryInfo().HeapSizeBytes >> 20,
            ["managedAtPeakMiB"] = sampler.ManagedAtPeak >> 20,
            ["seconds"] = System.Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        stdout.WriteLine(line.ToJsonString());
        return ExitCodes.Ok;
    }

    /// <summary>Runs one scenario in a fresh process of this program (its peak is its own).</summary>
    private static async Task<JsonObject?> ChildAsync(string scenario, Settings s, TextWriter stderr, CancellationToken ct)
    {
        var exe = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(MemoryBench).Assembly.Location);
        }

        string[] args = ["bench", "memory", "--scenario", scenario, "--generator", s.Generator, "--n", $"{s.N}", "--solves", $"{s.Solves}", "--load-n", $"{s.LoadN}", "--concurrency", $"{s.Concurrency}"];
        args.ToList().ForEach(psi.ArgumentList.Add);
        if (s.PrefixCacheMegabytes is { } mb)
        {
            psi.ArgumentList.Add("--prefix-cache-mb");
            psi.ArgumentList.Add($"{mb}");
        }

        using var child = Process.Start(psi)!;
        var output = child.StandardOutput.ReadToEndAsync(ct);
        var errors = child.StandardError.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (child.ExitCode != 0 || last is null)
        {
            stderr.WriteLine($"error: the {scenario} scenario exited {child.ExitCode}: {await errors}");
            return null;
        }

        return JsonNode.Parse(last)!.AsObject();
    }

    /// <summary>Samples the working set every 20 ms and keeps the GC's committed bytes at its highest point (the rest is native: ONNX Runtime, the runtime itself).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly Lock _gate = new();
        private long _peak;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long ManagedAtPeak { get; private set; }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            lock (_gate)
            {
                using var self = Process.GetCurrentProcess();
                long ws = self.WorkingSet64;
                if (ws > _peak)
                {
                    _peak = ws;
                    ManagedAtPeak = GC.GetGCMemoryInfo().TotalCommittedBytes;
                }
            }
        }
    }
}
