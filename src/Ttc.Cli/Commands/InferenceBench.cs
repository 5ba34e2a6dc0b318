using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>Generation and PRM throughput on the shipped models (figures printed, ratios in one run).</summary>
internal static class InferenceBench
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What to measure: the models, the batch sizes, tokens per sequence, the least time per measurement, and the output form.</summary>
    public sealed record Settings(string Generator, string Prm, IReadOnlyList<int> Batches, int MaxTokens, double Seconds, bool Json);

    /// <summary>One batch size under one setting.</summary>
    public sealed record Run(
        string Setting,
        string AttentionKernel,
        int IntraOpThreads,
        int DecodeParallelism,
        int Batch,
        double SubBatchRows,
        int Rounds,
        double TokensPerSecond,
        double PrefillTokensPerSecond,
        double DecodeTokensPerSecond,
        double MeanPromptTokens,
        double MeanGeneratedTokens,
        double Gflops,
        double PrefillGflops,
        double DecodeGflops,
        double ShareOfSgemmPeak,
        double PeakWorkingSetMiB);

    public static async Task<int> RunAsync(Settings s, TextWriter stdout, CancellationToken ct)
    {
        int cores = Environment.ProcessorCount;
        var folder = ModelCatalog.GeneratorFolder(s.Generator);
        var flops = DecoderFlops.Open(folder);
        double peak = SgemmPeak.Measure(cores);
        var human = s.Json ? TextWriter.Null : stdout;
        human.WriteLine($"generator {folder}: {flops.Parameters / 1e6:F2} M parameters; ONNX Runtime SGEMM peak {peak:F0} GFLOP/s (1024^3 MatMul on {cores} threads)");

        // First one batch on all cores (the setting before sub-batches were the default), then the default:
        // each core decodes its own sub-batch on one intra-op thread; then the default with ONNX Runtime's
        // attention kernel instead of ours, where ours was built.
        var settings = new List<(string Name, InferenceOptions Options)>
        {
            // One batch of up to 64 rows: not cut by the CPU's cache either.
            ("one-batch", new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = cores, DecodeParallelism = 1, DecodeSubBatchRows = 64 }),
            ("sub-batches", new InferenceOptions { PrefixCacheMegabytes = 0 }),
        };
        if (AttentionKernel.Path is not null)
        {
            settings.Add(("sub-batches-ort-attention", new InferenceOptions { PrefixCacheMegabytes = 0, AttentionKernel = "onnxruntime" }));
        }

        var runs = new List<Run>();
        foreach (var (name, options) in settings)
        {
            human.WriteLine(name switch
            {
                "one-batch" => $"one batch on {cores} intra-op threads:",
                "sub-batches" => $"as sub-batches, {cores} at a time (decodeParallelism {cores}, 1 intra-op thread each; decodeSubBatchRows chosen from the CPU's cache; batch 1 is one sub-batch; prefill and decode tokens/s per sub-batch):",
                _ => "the same sub-batches with ONNX Runtime's attention kernel (attentionKernel onnxruntime):",
            });
            foreach (int batch in s.Batches)
            {
                var run = await MeasureAsync(s, name, options, batch, flops, peak, ct);
                runs.Add(run);
                // Without a batch-1 figure yet (--batches 64 alone) there is nothing to compare with.
                double best1 = runs.Where(r => r.Batch == 1).Select(r => r.TokensPerSecond).DefaultIfEmpty(0).Max();
                string versus = best1 > 0 ? $" ({run.TokensPerSecond / best1:F1}x the best batch 1 so far)" : string.Empty;
                human.WriteLine($"batch {batch,3}: {run.AttentionKernel} attention, {run.SubBatchRows:0.#} rows per prefill, {run.TokensPerSecond,8:F0} generated tokens/s{versus}; prefill {run.PrefillTokensPerSecond:F0} tokens/s, decode {run.DecodeTokensPerSecond:F0} tokens/s; {run.Gflops:F2} GFLOP/s = {run.ShareOfSgemmPeak:P1} of the SGEMM peak; peak working set {run.PeakWorkingSetMiB:F0} MiB");
            }
        }

        double prmTps = await PrmAsync(s.Prm, settings[0].Options, ct);
        human.WriteLine($"PRM {ModelCatalog.PrmFolder(s.Prm)}: {prmTps:F0} scored tokens/s (batches of 64 solutions)");
        if (s.Json)
        {
            var report = new
            {
                Generator = folder,
                Cores = cores,
                flops.Parameters,
                flops.MatmulParameters,
                FlopsFormula = DecoderFlops.Formula,
                SgemmPeakGflops = peak,
                SgemmPeakMethod = $"best of 8 MatMul calls of two 1024x1024 float matrices in ONNX Runtime on {cores} intra-op threads",
                Workload = new { Prompts = "chat-template prompts 'Compute i * 7 + j - 3.'", s.MaxTokens, Temperature = 0.8, TopP = 1.0, PrefixCache = false, LeastSecondsPerRun = s.Seconds },
                PhaseRatesNote = "prefill and decode tokens/s are over the time inside those calls, summed over sub-batches running at once",
                Runs = runs,
                PeakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0),
                Prm = new { Folder = ModelCatalog.PrmFolder(s.Prm), ScoredTokensPerSecond = prmTps, BatchSolutions = 64 },
            };
            stdout.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }

        return ExitCodes.Ok;
    }

    /// <summary>Generated tokens/s over whole GenerateAsync calls of <paramref name="batch"/> sampled solutions (after a warm-up).</summary>
    private static async Task<Run> MeasureAsync(Settings s, string setting, InferenceOptions options, int batch, DecoderFlops flops, double peak, CancellationToken ct)
    {
        using var handle = ModelCatalog.OpenGenerator(s.Generator, options);
        var gen = handle.Onnx ?? throw new ModelLoadException("bench inference measures the ONNX backend: give a model name or folder, not a URL");
        var requests = Enumerable.Range(0, batch)
            .Select(i => new StepRequest($"Compute {i % 9 + 1} * 7 + {i % 5 + 2} - 3.", string.Empty, null, new Sampling(0.8, 1.0, s.MaxTokens, i)))
            .ToList();
        // Warm-up with the very batch that is measured: the first rounds at a new batch size are
        // slower while ONNX Runtime's allocator grows to the size of its KV tensors (measured here:
        // 12k, 18k, then 33k tokens/s for three identical rounds at batch 64).
        for (int w = 0; w < 2; w++)
        {
            await gen.GenerateAsync(requests, ct);
        }

        var before = (gen.Stats.DecodeTokens, gen.Stats.DecodeSeconds, gen.Stats.PrefillTokens, gen.Stats.PrefillSeconds, gen.Stats.Prefills, gen.Stats.PrefillRows);
        long kernelCalls = AttentionKernel.Calls;
        var clock = Stopwatch.StartNew();
        // Rounds for at least s.Seconds: one round at batch 64 lasts under a second, too short to tell two
        // settings apart on a shared machine.
        int rounds = 0;
        var steps = new List<GeneratedStep>();
        while (rounds < 2 || clock.Elapsed.TotalSeconds < s.Seconds)
        {
            steps.AddRange(await gen.GenerateAsync(requests, ct));
            rounds++;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double prompt = steps.Average(x => x.PromptTokens), generated = steps.Average(x => x.GeneratedTokens);
        var (prefillFlops, decodeFlops) = flops.PerRow(prompt, generated);
        double prefillSeconds = gen.Stats.PrefillSeconds - before.PrefillSeconds, decodeSeconds = gen.Stats.DecodeSeconds - before.DecodeSeconds;
        double gflops = steps.Count * (prefillFlops + decodeFlops) / seconds / 1e9;
        return new Run(
            setting,
            // Ours when the options ask for it and it ran (a model it refuses gets ONNX Runtime's).
            AttentionKernel.Applies(options) && AttentionKernel.Calls > kernelCalls ? "ttc" : "onnxruntime",
            options.ResolvedIntraOpThreads,
            System.Math.Min(options.ResolvedDecodeParallelism, batch),
            batch,
            // Mean rows per prefill call: a sub-batch's first rows, and rows that joined it as others
            // finished (see InferenceOptions.DecodeSubBatchRows): 64 rows at 16 per thread, all writing as many
            // tokens, give four calls of 16.
            (gen.Stats.PrefillRows - before.PrefillRows) / (double)System.Math.Max(1, gen.Stats.Prefills - before.Prefills),
            rounds,
            steps.Sum(x => (double)x.GeneratedTokens) / seconds,
            (gen.Stats.PrefillTokens - before.PrefillTokens) / prefillSeconds,
            (gen.Stats.DecodeTokens - before.DecodeTokens) / decodeSeconds,
            prompt,
            generated,
            gflops,
            steps.Count * prefillFlops / prefillSeconds / 1e9,
            steps.Count * decodeFlops / decodeSeconds / 1e9,
            gflops / peak,
            Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
    }

    private static async Task<double> PrmAsync(string prmName, InferenceOptions options, CancellationToken ct)
    {
        using var prm = ModelCatalog.OpenPrm(prmName, options);
        var solutions = Enumerable.Range(0, 64).Select(i => new ScoreRequest($"Compute {i} + 4 * 3.", [$"## Step 1: {i} + 4 = {i + 4}.", $"## Step 2: {i + 4} * 3 = {(i + 4) * 3}.", $"Therefore, the final answer is: $\\boxed{{{(i + 4) * 3}}}$. I hope it is correct."])).ToList();
        await prm.ScoreAsync(solutions, ct); // warm-up at the measured batch size
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        for (int r = 0; r < 5; r++)
        {
            tokens += (await prm.ScoreAsync(solutions, ct)).Sum(x => (long)x.Tokens);
        }

        return tokens / clock.Elapsed.TotalSeconds;
    }
}
