using System.Diagnostics;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace GenAiBench;

/// <summary>Our generator (src/Ttc.Inference) on the workload, under the settings `ttc bench inference` measures.</summary>
internal static class OursEngine
{
    /// <summary>
    /// The settings: the default (one sub-batch per core, one intra-op thread each), one batch on all cores, and,
    /// where our attention kernel was built, the default with ONNX Runtime's attention kernel instead ("-ort-attention").
    /// </summary>
    public static IReadOnlyList<string> Settings(int batch)
    {
        string mine = batch == 1 ? "1-thread" : "sub-batches";
        var settings = new List<string> { mine, batch == 1 ? $"{Environment.ProcessorCount}-threads" : "one-batch" };
        if (AttentionKernel.Path is not null)
        {
            settings.Add(mine + "-ort-attention");
        }

        return settings;
    }

    public static async Task<Measurement> MeasureAsync(Workload w, string setting, int batch, CancellationToken ct)
    {
        int cores = Environment.ProcessorCount;
        var options = setting.StartsWith("sub-batches", StringComparison.Ordinal) || setting.StartsWith("1-thread", StringComparison.Ordinal)
            ? new InferenceOptions { PrefixCacheMegabytes = 0 }
            : new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = cores, DecodeParallelism = 1, DecodeSubBatchRows = batch };
        if (setting.EndsWith("-ort-attention", StringComparison.Ordinal))
        {
            options.AttentionKernel = "onnxruntime";
        }

        using var gen = OnnxStepGenerator.Open(w.Folder, options);
        var requests = w.Prompts(batch).Select((p, i) => new PromptRequest(p.Text, null, new Sampling(w.Temperature, 1.0, w.NewTokens, i))).ToList();
        for (int warm = 0; warm < 2; warm++)
        {
            await gen.CompleteAsync(requests, ct);
        }

        var before = (gen.Stats.PrefillTokens, gen.Stats.PrefillSeconds, gen.Stats.DecodeTokens, gen.Stats.DecodeSeconds);
        int rounds = 0;
        long generated = 0;
        var clock = Stopwatch.StartNew();
        while (w.Another(rounds, clock.Elapsed))
        {
            generated += (await gen.CompleteAsync(requests, ct)).Sum(s => (long)s.GeneratedTokens);
            rounds++;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return new Measurement(
            "ours",
            setting,
            batch,
            rounds,
            generated / seconds,
            (gen.Stats.PrefillTokens - before.PrefillTokens) / (gen.Stats.PrefillSeconds - before.PrefillSeconds),
            (gen.Stats.DecodeTokens - before.DecodeTokens) / (gen.Stats.DecodeSeconds - before.DecodeSeconds),
            generated / (double)(rounds * batch),
            Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
    }

    /// <summary>Greedy continuations of the prompts, one batch, as text.</summary>
    public static async Task<IReadOnlyList<string>> GreedyAsync(Workload w, IReadOnlyList<(string Text, int[] Ids)> prompts, CancellationToken ct)
    {
        using var gen = OnnxStepGenerator.Open(w.Folder, new InferenceOptions { PrefixCacheMegabytes = 0 });
        var steps = await gen.CompleteAsync(prompts.Select(p => new PromptRequest(p.Text, null, new Sampling(0, 1.0, w.NewTokens, 0))).ToList(), ct);
        return steps.Select(s => s.Text).ToList();
    }
}
