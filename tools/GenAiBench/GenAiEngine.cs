using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Ttc.Inference;

namespace GenAiBench;

/// <summary>ONNX Runtime GenAI on the same folder (read through its genai_config.json) and the same prompt token ids.</summary>
internal static class GenAiEngine
{
    /// <summary>GenAI 0.18 refuses a generator of more than 32 sequences ("batch_size (33) must be in [1, 32]").</summary>
    public const int MaxBatch = 32;

    /// <summary>
    /// Its settings: one generator on 1 or all intra-op threads (larger batches as consecutive calls of 32), and, from
    /// batch 2, one generator per core side by side on one thread each (our default's scheme, given to GenAI too).
    /// </summary>
    public static IReadOnlyList<string> Settings(int batch)
    {
        int cores = Environment.ProcessorCount;
        var settings = new List<string> { "1-thread", $"{cores}-threads" };
        if (batch >= 2 && cores > 1)
        {
            settings.Add($"{cores}-parallel");
        }

        return settings;
    }

    public static Measurement Measure(Workload w, string setting, int batch)
    {
        int cores = Environment.ProcessorCount;
        bool parallel = setting.EndsWith("-parallel", StringComparison.Ordinal);
        int threads = parallel ? 1 : int.Parse(setting.Split('-')[0], CultureInfo.InvariantCulture);
        using var handle = new OgaHandle();
        using var model = Open(w.Folder, threads);
        var prompts = w.Prompts(batch).Select(p => p.Ids).ToList();
        // Parallel: one slice per core; otherwise consecutive chunks of at most 32 (the cap) in one thread.
        var slices = parallel ? prompts.Chunk((batch + cores - 1) / cores).ToList() : [prompts.ToArray()];
        var totals = new Totals();
        void Round(Totals t) => Parallel.ForEach(slices, new ParallelOptions { MaxDegreeOfParallelism = slices.Count }, s =>
        {
            foreach (var chunk in s.Chunk(MaxBatch))
            {
                Generate(model, w, chunk, w.Temperature, seed: 0, t);
            }
        });

        Round(new Totals());
        Round(new Totals());
        int rounds = 0;
        var clock = Stopwatch.StartNew();
        while (w.Another(rounds, clock.Elapsed))
        {
            Round(totals);
            rounds++;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return new Measurement(
            "genai",
            setting,
            batch,
            rounds,
            totals.Generated / seconds,
            totals.PrefillTokens / totals.PrefillSeconds,
            totals.Generated / totals.DecodeSeconds,
            totals.Generated / (double)(rounds * batch),
            Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0));
    }

    /// <summary>Greedy continuations of the prompts, one batch, as text through our tokenizer (tokens after the prompt, up to end-of-sequence).</summary>
    public static IReadOnlyList<string> Greedy(Workload w, IReadOnlyList<(string Text, int[] Ids)> prompts)
    {
        using var handle = new OgaHandle();
        using var model = Open(w.Folder, Environment.ProcessorCount);
        var tokenizer = ModelFolder.Open(w.Folder).Tokenizer;
        return [.. prompts.Chunk(MaxBatch).SelectMany(chunk => Generate(model, w, chunk.Select(p => p.Ids).ToArray(), 0, 0, new Totals())).Select(ids => tokenizer.Decode(ids, skipAdded: true))];
    }

    private static Model Open(string folder, int threads)
    {
        using var config = new Config(folder);
        config.Overlay("""{"model":{"decoder":{"session_options":{"intra_op_num_threads":""" + threads.ToString(CultureInfo.InvariantCulture) + "}}}}");
        return new Model(config);
    }

    /// <summary>One generator over <paramref name="prompts"/> (equal lengths); returns each row's new tokens up to end-of-sequence (excluded).</summary>
    private static List<int[]> Generate(Model model, Workload w, int[][] prompts, double temperature, int seed, Totals totals)
    {
        int length = prompts[0].Length;
        using var p = new GeneratorParams(model);
        p.SetSearchOption("batch_size", prompts.Length);
        p.SetSearchOption("max_length", length + w.NewTokens);
        p.SetSearchOption("do_sample", temperature > 0);
        if (temperature > 0)
        {
            // top_k = the vocabulary: sampling from the whole distribution, as ours does at top-p 1 (genai_config says top_k 1, greedy).
            p.SetSearchOption("temperature", temperature);
            p.SetSearchOption("top_k", w.VocabSize);
            p.SetSearchOption("top_p", 1.0);
            p.SetSearchOption("random_seed", seed);
        }

        long start = Stopwatch.GetTimestamp();
        using var g = new Generator(model, p);
        g.AppendTokens(prompts.SelectMany(x => x).ToArray());
        var prefill = Stopwatch.GetElapsedTime(start);
        start = Stopwatch.GetTimestamp();
        while (!g.IsDone())
        {
            g.GenerateNextToken();
        }

        var decode = Stopwatch.GetElapsedTime(start);
        var rows = new List<int[]>();
        for (int i = 0; i < prompts.Length; i++)
        {
            var seq = g.GetSequence((ulong)i)[length..].ToArray();
            int eos = Array.FindIndex(seq, w.EosIds.Contains);
            rows.Add(eos >= 0 ? seq[..eos] : seq);
            totals.AddRow(length, eos >= 0 ? eos + 1 : seq.Length);
        }

        totals.AddCall(prefill, decode);

        return rows;
    }

    /// <summary>Token and time counters, shared by parallel generators.</summary>
    private sealed class Totals
    {
        private readonly Lock _gate = new();

        public long PrefillTokens { get; private set; }

        public long Generated { get; private set; }

        public double PrefillSeconds { get; private set; }

        public double DecodeSeconds { get; private set; }

        /// <summary>One row: its prompt and new tokens (end-of-sequence counted, as ours counts it).</summary>
        public void AddRow(int prompt, int generated)
        {
            lock (_gate)
            {
                PrefillTokens += prompt;
                Generated += generated;
            }
        }

        /// <summary>One generator call's prefill (AppendTokens) and decode (GenerateNextToken loop) times, summed over parallel calls.</summary>
        public void AddCall(TimeSpan prefill, TimeSpan decode)
        {
            lock (_gate)
            {
                PrefillSeconds += prefill.TotalSeconds;
                DecodeSeconds += decode.TotalSeconds;
            }
        }
    }
}
