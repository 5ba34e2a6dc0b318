using System.Diagnostics;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace GenAiBench;

/// <summary>Our generator (src/Ttc.Inference) on the workload, under the settings `ttc bench inference` measures.</summary>
internal static class OursEngine
{
    /// <summary>The settings: the default (one sub-batch per core, one intra-op thread each) and one batch on all cores.</summary>
    public static IReadOnlyList<string> Settings(int batch) => batch == 1 ? ["1-thread", $"{Environment.ProcessorCount}-threads"] : ["sub-batches", "one-batch"];

    public static async Task<Measurement> MeasureAsync(Workload w, string setting, int batch, CancellationToken ct)
    {
        int cores = Environment.ProcessorCount;
        var options = setting is "sub-batches" or "1-thread"
            ? new InferenceOptions { PrefixCacheMegabytes = 0 }
            : new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = cores, DecodeParallelism = 1 };
        using var gen = OnnxStepGenerator.Open(w.Folder, options);
        var requests = w.Prompts(batch).Select((p, i) => new PromptRequest(p.Text, null, new Sampling(w.Temperature, 1.0, w.NewTokens, i))).ToList();
        for (int warm = 0; warm < 2; warm++)
        {
            await gen.CompleteAsync(requests, ct);
        }

        var before = (gen.Stats.PrefillTokens, gen.Stats.PrefillSeconds, gen.Stats.DecodeTokens, gen.Stats.DecodeSeconds);
        int rounds = Workload.Rounds(batch);
        long generated = 0;
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            generated += (await gen.CompleteAsync(requests, ct)).Sum(s => (long)s.GeneratedTokens);
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
