using System.Diagnostics;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>Generation and PRM throughput on the shipped models (figures printed, ratios in one run).</summary>
internal static class InferenceBench
{
    public static async Task<int> RunAsync(string generatorName, string prmName, TextWriter stdout, CancellationToken ct)
    {
        // First one batch on all cores (the setting before sub-batches were the default), then the default.
        var options = new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = Environment.ProcessorCount, DecodeParallelism = 1 };
        var folder = ModelCatalog.GeneratorFolder(generatorName);
        double peak = PeakGflops();
        stdout.WriteLine($"generator {folder}: {Parameters(folder) / 1e6:F2} M parameters; CPU peak estimate {peak:F0} GFLOP/s ({Environment.ProcessorCount} cores); first one batch on {Environment.ProcessorCount} intra-op threads:");
        double batch1 = 0;
        foreach (int batch in new[] { 1, 16, 64 })
        {
            var m = await MeasureAsync(generatorName, options, batch, ct);
            batch1 = batch == 1 ? m.Tps : batch1;
            double gflops = 2 * Parameters(folder) * m.Tps / 1e9;
            stdout.WriteLine($"batch {batch,3}: {m.Tps,8:F0} generated tokens/s ({m.Tps / batch1:F1}x batch 1); prefill {m.PrefillTps:F0} tokens/s, decode {m.DecodeTps:F0} tokens/s; ~{gflops:F2} GFLOP/s = {gflops / peak:P1} of peak");
            if (batch == 64)
            {
                stdout.WriteLine($"peak working set after batch 64: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB");
            }
        }

        // The same batches with the default: each core decodes its own sub-batch on one intra-op thread.
        int cores = Environment.ProcessorCount;
        var split = new InferenceOptions { PrefixCacheMegabytes = 0 };
        var one = await MeasureAsync(generatorName, split, 1, ct);
        double best1 = System.Math.Max(batch1, one.Tps);
        stdout.WriteLine($"batch   1 on 1 intra-op thread: {one.Tps,8:F0} generated tokens/s; best batch 1: {best1:F0}");
        foreach (int batch in new[] { 16, 64 })
        {
            var m = await MeasureAsync(generatorName, split, batch, ct);
            stdout.WriteLine($"batch {batch,3} as {cores} parallel sub-batches (decodeParallelism {cores}, 1 intra-op thread): {m.Tps,8:F0} generated tokens/s ({m.Tps / best1:F1}x the best batch 1)");
        }

        using var prm = ModelCatalog.OpenPrm(prmName, options);
        var solutions = Enumerable.Range(0, 64).Select(i => new ScoreRequest($"Compute {i} + 4 * 3.", [$"## Step 1: {i} + 4 = {i + 4}.", $"## Step 2: {i + 4} * 3 = {(i + 4) * 3}.", $"Therefore, the final answer is: $\\boxed{{{(i + 4) * 3}}}$. I hope it is correct."])).ToList();
        await prm.ScoreAsync(solutions, ct); // warm-up at the measured batch size
        var prmClock = Stopwatch.StartNew();
        long prmTokens = 0;
        for (int r = 0; r < 5; r++)
        {
            prmTokens += (await prm.ScoreAsync(solutions, ct)).Sum(s => (long)s.Tokens);
        }

        stdout.WriteLine($"PRM {ModelCatalog.PrmFolder(prmName)}: {prmTokens / prmClock.Elapsed.TotalSeconds:F0} scored tokens/s (batches of 64 solutions)");
        return ExitCodes.Ok;
    }

    private sealed record Throughput(double Tps, double PrefillTps, double DecodeTps);

    /// <summary>Generated tokens/s over whole GenerateAsync calls of <paramref name="batch"/> sampled solutions (after a warm-up).</summary>
    private static async Task<Throughput> MeasureAsync(string generatorName, InferenceOptions options, int batch, CancellationToken ct)
    {
        using var handle = ModelCatalog.OpenGenerator(generatorName, options);
        var gen = handle.Onnx ?? throw new ModelLoadException("bench inference measures the ONNX backend: give a model name or folder, not a URL");
        var requests = Enumerable.Range(0, batch)
            .Select(i => new StepRequest($"Compute {i % 9 + 1} * 7 + {i % 5 + 2} - 3.", string.Empty, null, new Sampling(0.8, 1.0, 400, i)))
            .ToList();
        // Warm-up with the very batch that is measured: the first rounds at a new batch size are
        // slower while ONNX Runtime's allocator grows to the size of its KV tensors (measured here:
        // 12k, 18k, then 33k tokens/s for three identical rounds at batch 64).
        for (int w = 0; w < 2; w++)
        {
            await gen.GenerateAsync(requests, ct);
        }

        var before = (gen.Stats.DecodeTokens, gen.Stats.DecodeSeconds, gen.Stats.PrefillTokens, gen.Stats.PrefillSeconds);
        var clock = Stopwatch.StartNew();
        int rounds = batch == 1 ? 8 : batch == 16 ? 4 : 2;
        long generated = 0;
        for (int r = 0; r < rounds; r++)
        {
            generated += (await gen.GenerateAsync(requests, ct)).Sum(s => (long)s.GeneratedTokens);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return new Throughput(
            generated / seconds,
            (gen.Stats.PrefillTokens - before.PrefillTokens) / (gen.Stats.PrefillSeconds - before.PrefillSeconds),
            (gen.Stats.DecodeTokens - before.DecodeTokens) / (gen.Stats.DecodeSeconds - before.DecodeSeconds));
    }

    /// <summary>Parameters from config.json (attention, MLP, norms, embeddings and head).</summary>
    private static double Parameters(string folder)
    {
        var m = ModelFolder.Open(folder);
        double h = m.ConfigInt("hidden_size", 0), layers = m.ConfigInt("num_hidden_layers", 0), inter = m.ConfigInt("intermediate_size", 0);
        double heads = m.ConfigInt("num_attention_heads", 1), kv = m.ConfigInt("num_key_value_heads", (int)heads), vocab = m.ConfigInt("vocab_size", 0);
        double hd = m.ConfigInt("head_dim", (int)(h / heads));
        double perLayer = (h * heads * hd * 2) + (h * kv * hd * 2) + (3 * h * inter) + (2 * h);
        return (layers * perLayer) + (2 * vocab * h) + h;
    }

    /// <summary>FP32 peak: cores x clock x FLOPs per cycle (two FMA units: 64 with AVX-512, 32 with AVX2, 16 with SSE).</summary>
    private static double PeakGflops()
    {
        double mhz = 2000;
        int perCycle = 16;
        if (File.Exists("/proc/cpuinfo"))
        {
            var info = File.ReadAllText("/proc/cpuinfo");
            var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            if (line is not null && double.TryParse(line.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                mhz = v;
            }

            perCycle = info.Contains(" avx512f", StringComparison.Ordinal) ? 64 : info.Contains(" fma", StringComparison.Ordinal) ? 32 : 16;
        }

        return Environment.ProcessorCount * mhz / 1000 * perCycle;
    }
}
