using System.Diagnostics;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary>
/// <c>ttc bench batching</c>: the service's generator batching under a mixed load, the window batcher
/// (calls within a window share one batch that runs to its longest member) against continuous batching
/// (requests join the running batch between steps and leave when they stop), on the same arrival
/// schedule of short step requests and long final completions. Figures printed, never asserted.
/// </summary>
internal static class BatchingBench
{
    /// <summary>The load: arrivals per second of each kind over a number of seconds, and their token budgets.</summary>
    public sealed record Settings(string Generator, double Seconds, double ShortRate, double LongRate, int ShortTokens, int LongTokens, int WindowMs, int MaxBatchSize);

    private sealed record Arrival(double At, PromptRequest Request, bool Short);

    private sealed record Outcome(bool Short, double Seconds, int Tokens);

    public static async Task<int> RunAsync(Settings s, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (s.Seconds <= 0 || s.ShortRate <= 0 || s.LongRate < 0 || s.ShortTokens < 1 || s.LongTokens < 1 || s.WindowMs < 0 || s.MaxBatchSize < 1)
        {
            stderr.WriteLine("error: --seconds and --short-rate must be positive, --long-rate not negative, --short-tokens, --long-tokens and --max-batch-size at least 1, --window-ms not negative");
            return ExitCodes.Usage;
        }

        var options = new InferenceOptions { MaxBatchSize = s.MaxBatchSize };
        var schedule = Schedule(s);
        stdout.WriteLine($"batching under a mixed load, {s.Generator} generator, {Environment.ProcessorCount} cores, decodeParallelism {options.ResolvedDecodeParallelism}: "
            + $"{schedule.Count(a => a.Short)} short step requests ({s.ShortTokens} tokens at most, {s.ShortRate}/s) and {schedule.Count(a => !a.Short)} long final completions "
            + $"({s.LongTokens} tokens at most, {s.LongRate}/s) arriving over {s.Seconds} s, one request per call; the same schedule for both");

        Summary? window = null;
        foreach (bool continuous in new[] { false, true })
        {
            // A fresh generator each, so neither run reuses the other's prefix cache.
            using var generator = OnnxStepGenerator.Open(ModelCatalog.GeneratorFolder(s.Generator), options);
            Summary m;
            string name;
            if (continuous)
            {
                using var model = new ContinuousCompletionModel(generator);
                m = await MeasureAsync(model.CompleteAsync, schedule, ct);
                name = $"continuous ({model.Lanes} lane(s) of {model.LaneRows}, {(double)model.RowSteps / System.Math.Max(1, model.Steps):F1} rows per step)";
            }
            else
            {
                await using var batcher = new DynamicBatcher<PromptRequest, GeneratedStep>(generator.CompleteAsync, TimeSpan.FromMilliseconds(s.WindowMs), s.MaxBatchSize);
                m = await MeasureAsync(batcher.RunAsync, schedule, ct);
                name = $"window batcher ({s.WindowMs} ms, {s.MaxBatchSize} at most, {(double)batcher.Requests / System.Math.Max(1, batcher.Batches):F1} requests per batch)";
            }

            window ??= m;
            stdout.WriteLine($"{name}: short requests mean {m.ShortMean * 1000:F0} ms, p95 {m.ShortP95 * 1000:F0} ms; long mean {m.LongMean * 1000:F0} ms; "
                + $"{m.TokensPerSecond:F0} generated tokens/s ({m.Tokens} tokens in {m.Seconds:F1} s)");
            if (continuous)
            {
                stdout.WriteLine($"continuous vs window: short mean latency {m.ShortMean / window.ShortMean:F2}x, p95 {m.ShortP95 / window.ShortP95:F2}x, tokens/s {m.TokensPerSecond / window.TokensPerSecond:F2}x");
            }
        }

        return ExitCodes.Ok;
    }

    private sealed record Summary(double ShortMean, double ShortP95, double LongMean, long Tokens, double Seconds)
    {
        public double TokensPerSecond => Tokens / Seconds;
    }

    /// <summary>Poisson arrivals (fixed seed) of short step requests and long completions, on synthetic problems.</summary>
    private static List<Arrival> Schedule(Settings s)
    {
        var problems = ModelCatalog.ReadDataset("synthetic", 200).Select(p => p.Problem).ToList();
        var template = ModelFolder.Open(ModelCatalog.GeneratorFolder(s.Generator)).Template;
        var rng = new Random(7);
        var arrivals = new List<Arrival>();
        foreach (var (rate, isShort) in new[] { (s.ShortRate, true), (s.LongRate, false) })
        {
            for (double t = rate > 0 ? -System.Math.Log(1 - rng.NextDouble()) / rate : double.MaxValue; t < s.Seconds; t += -System.Math.Log(1 - rng.NextDouble()) / rate)
            {
                var prompt = template.Render(Ttc.Inference.Tokenization.ChatTemplate.ReferenceSystemPrompt, problems[rng.Next(problems.Count)], string.Empty);
                var sampling = new Sampling(0.8, 1.0, isShort ? s.ShortTokens : s.LongTokens, rng.Next());
                arrivals.Add(new Arrival(t, new PromptRequest(prompt, isShort ? "\n\n" : null, sampling), isShort));
            }
        }

        return [.. arrivals.OrderBy(a => a.At)];
    }

    private static async Task<Summary> MeasureAsync(Func<IReadOnlyList<PromptRequest>, CancellationToken, Task<IReadOnlyList<GeneratedStep>>> complete, List<Arrival> schedule, CancellationToken ct)
    {
        // Warm-up: a burst of both kinds, so the arena has grown to a full batch before the clock starts.
        await Task.WhenAll(schedule.Take(64).Select(a => complete([a.Request], ct)));

        var clock = Stopwatch.StartNew();
        var running = new List<Task<Outcome>>();
        foreach (var a in schedule)
        {
            var wait = TimeSpan.FromSeconds(a.At) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            running.Add(TimeAsync(a, complete, clock, ct));
        }

        var outcomes = await Task.WhenAll(running);
        double seconds = clock.Elapsed.TotalSeconds;
        var shorts = outcomes.Where(o => o.Short).Select(o => o.Seconds).Order().ToList();
        var longs = outcomes.Where(o => !o.Short).Select(o => o.Seconds).ToList();
        return new Summary(
            shorts.Average(),
            shorts[System.Math.Min(shorts.Count - 1, (int)System.Math.Ceiling(0.95 * shorts.Count) - 1)],
            longs.Count > 0 ? longs.Average() : 0,
            outcomes.Sum(o => (long)o.Tokens),
            seconds);
    }

    private static async Task<Outcome> TimeAsync(Arrival a, Func<IReadOnlyList<PromptRequest>, CancellationToken, Task<IReadOnlyList<GeneratedStep>>> complete, Stopwatch clock, CancellationToken ct)
    {
        var start = clock.Elapsed;
        var result = await complete([a.Request], ct);
        return new Outcome(a.Short, (clock.Elapsed - start).TotalSeconds, result[0].GeneratedTokens);
    }
}
