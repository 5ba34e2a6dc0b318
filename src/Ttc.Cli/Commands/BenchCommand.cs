using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.Math;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc bench</c>: throughput benchmarks (figures reported, never asserted).</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string?>("--data") { Description = "Folder with the shared benchmark data (default: ../shared/data beside the repository, when present)." };
        var problems = new Option<int>("--problems") { Description = "Problems to replay.", DefaultValueFactory = _ => 500 };
        var completions = new Option<int>("--completions") { Description = "Completions per problem.", DefaultValueFactory = _ => 256 };

        var grading = new Command("grading", "Grading throughput (pairs/s) on MATH-500 solutions, or synthetic pairs when the data is absent.") { data };
        grading.SetAction(parse => Grading(parse.GetValue(data), stdout, stderr));

        var replay = new Command("replay", "Time of 'ttc replay' on problems x completions synthesized by repeating the search-and-learn result files.") { data, problems, completions };
        replay.SetAction(parse => Replay(parse.GetValue(data), parse.GetValue(problems), parse.GetValue(completions), stdout, stderr));

        var generator = new Option<string>("--generator") { Description = "Generator: small, large or a folder.", DefaultValueFactory = _ => "small" };
        var prm = new Option<string>("--prm") { Description = "PRM: prm or a folder.", DefaultValueFactory = _ => "prm" };
        var batches = new Option<string>("--batches") { Description = "Batch sizes to measure, comma-separated.", DefaultValueFactory = _ => "1,16,64" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens generated per sequence.", DefaultValueFactory = _ => 400 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (tokens/s per batch and setting, prefill and decode, GFLOP/s and share of the measured SGEMM peak, peak working set) instead of text." };
        var seconds = new Option<double>("--seconds") { Description = "Least time measured per batch size and setting (whole rounds, at least two).", DefaultValueFactory = _ => 4 };
        var inference = new Command("inference", "Generation tokens/s at batch 1, 16, 64 (prefill vs decode, GFLOP/s against ONNX Runtime's measured SGEMM peak), peak memory, PRM tokens/s.") { generator, prm, batches, maxTokens, seconds, json };
        inference.SetAction((parse, ct) =>
        {
            var sizes = parse.GetValue(batches)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (sizes.Length == 0 || sizes.Any(b => !int.TryParse(b, out int v) || v < 1) || parse.GetValue(maxTokens) < 1 || !(parse.GetValue(seconds) >= 0))
            {
                stderr.WriteLine("error: --batches must be positive integers separated by commas, --max-tokens at least 1 and --seconds not negative");
                return Task.FromResult(ExitCodes.Usage);
            }

            return InferenceBench.RunAsync(
                new InferenceBench.Settings(parse.GetValue(generator)!, parse.GetValue(prm)!, sizes.Select(int.Parse).ToList(), parse.GetValue(maxTokens), parse.GetValue(seconds), parse.GetValue(json)),
                stdout,
                ct);
        });

        var searchProblems = new Option<int>("--problems") { Description = "Synthetic problems per measurement.", DefaultValueFactory = _ => 96 };
        var concurrency = new Option<int>("--concurrency") { Description = "Searches at once in the second measurement.", DefaultValueFactory = _ => 16 };
        var intraOp = new Option<int>("--intra-op-threads") { Description = "ONNX Runtime threads per operator (0: the default, one per sub-batch on CPU).", DefaultValueFactory = _ => 0 };
        var decodeParallelism = new Option<int>("--decode-parallelism") { Description = "Sub-batches run at once, each on its own thread (0: the default, one per core on CPU).", DefaultValueFactory = _ => 0 };
        var searchCache = new Option<int?>("--prefix-cache-mb") { Description = "Each model's prefix cache in MiB (default: the inference default)." };
        var search = new Command("search", "Problems per minute of Best-of-N (n = 4) and beam search (n = 16) at concurrency 1 and K, with the mean model batch each reached.") { searchProblems, concurrency, intraOp, decodeParallelism, searchCache };
        search.SetAction((parse, ct) => SearchBench.RunAsync(
            parse.GetValue(searchProblems),
            parse.GetValue(concurrency),
            new Ttc.Inference.InferenceOptions
            {
                IntraOpThreads = parse.GetValue(intraOp),
                DecodeParallelism = parse.GetValue(decodeParallelism),
                PrefixCacheMegabytes = parse.GetValue(searchCache) ?? new Ttc.Inference.InferenceOptions().PrefixCacheMegabytes,
            },
            stdout,
            stderr,
            ct));

        var storage = new Option<string>("--storage") { Description = "Storage connection string (UseDevelopmentStorage=true: Azurite on its default ports).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true" };
        var durableProblems = new Option<int>("--problems") { Description = "Solves per overhead measurement.", DefaultValueFactory = _ => 6 };
        var durableN = new Option<string>("--n") { Description = "Beam search budgets for the overhead measurement.", DefaultValueFactory = _ => "16,64" };
        var batchProblems = new Option<int>("--batch-problems") { Description = "Problems in the throughput batch (0 skips it).", DefaultValueFactory = _ => 48 };
        var durable = new Command("durable", "Per-step orchestration overhead (median and p95) for beam search, and batch throughput with 1 and 2 worker processes, against a storage account (Azurite).") { storage, durableProblems, durableN, batchProblems };
        durable.SetAction((parse, ct) => DurableBench.RunAsync(
            parse.GetValue(storage)!,
            parse.GetValue(durableProblems),
            parse.GetValue(durableN)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList(),
            parse.GetValue(batchProblems),
            stdout,
            ct));

        var memory = MemoryCommand(stdout, stderr);
        var batching = BatchingCommand(stdout, stderr);
        return new Command("bench", "Benchmarks: grading throughput, replay time, inference throughput, search throughput, memory, durable overhead, generator batching under a mixed load.") { grading, replay, inference, search, memory, durable, batching };
    }

    private static Command BatchingCommand(TextWriter stdout, TextWriter stderr)
    {
        var generator = new Option<string>("--generator") { Description = "Generator: small, large or a folder.", DefaultValueFactory = _ => "small" };
        var seconds = new Option<double>("--seconds") { Description = "Seconds over which requests arrive, per batching mode.", DefaultValueFactory = _ => 20 };
        var shortRate = new Option<double>("--short-rate") { Description = "Short step requests arriving per second.", DefaultValueFactory = _ => 200 };
        var longRate = new Option<double>("--long-rate") { Description = "Long final completions arriving per second.", DefaultValueFactory = _ => 10 };
        var shortTokens = new Option<int>("--short-tokens") { Description = "max_tokens of a short request (it also stops at the step separator).", DefaultValueFactory = _ => 16 };
        var longTokens = new Option<int>("--long-tokens") { Description = "max_tokens of a long completion (it stops only at the end of the solution).", DefaultValueFactory = _ => 256 };
        var window = new Option<int>("--window-ms") { Description = "The window batcher's window (the service's batchWindowMs).", DefaultValueFactory = _ => 5 };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Most requests in one batch (continuous: over all lanes).", DefaultValueFactory = _ => 64 };
        var batching = new Command("batching", "Short-request latency (mean, p95) and generated tokens/s under a mixed load of short step requests and long completions: the window batcher vs continuous batching on the same arrivals.")
        {
            generator, seconds, shortRate, longRate, shortTokens, longTokens, window, maxBatch,
        };
        batching.SetAction((parse, ct) => BatchingBench.RunAsync(
            new BatchingBench.Settings(parse.GetValue(generator)!, parse.GetValue(seconds), parse.GetValue(shortRate), parse.GetValue(longRate), parse.GetValue(shortTokens), parse.GetValue(longTokens), parse.GetValue(window), parse.GetValue(maxBatch)),
            stdout,
            stderr,
            ct));
        return batching;
    }

    private static Command MemoryCommand(TextWriter stdout, TextWriter stderr)
    {
        var scenario = new Option<string?>("--scenario") { Description = "Run one scenario in this process: search or load (default: both, each in a fresh process)." };
        scenario.AcceptOnlyFromAmong("search", "load");
        var generator = new Option<string>("--generator") { Description = "Generator: small, large or a folder.", DefaultValueFactory = _ => "small" };
        var n = new Option<int>("--n") { Description = "Beam search budget of the single search (on a long MATH-500 problem).", DefaultValueFactory = _ => 64 };
        var solves = new Option<int>("--solves") { Description = "Beam searches of the load (synthetic problems).", DefaultValueFactory = _ => 50 };
        var loadN = new Option<int>("--load-n") { Description = "Beam search budget of each solve of the load.", DefaultValueFactory = _ => 16 };
        var concurrency = new Option<int>("--concurrency") { Description = "Solves of the load in flight at once.", DefaultValueFactory = _ => 50 };
        var cache = new Option<int?>("--prefix-cache-mb") { Description = "The generator's prefix cache in MiB (default: the inference default)." };
        var memory = new Command("memory", "Peak working set of one beam search at n = 64 on a long problem and of a load of 50 solves in flight, each in a fresh process.") { scenario, generator, n, solves, loadN, concurrency, cache };
        memory.SetAction((parse, ct) =>
        {
            if (parse.GetValue(n) < 4 || parse.GetValue(n) % 4 != 0 || parse.GetValue(loadN) < 4 || parse.GetValue(loadN) % 4 != 0 || parse.GetValue(solves) < 1 || parse.GetValue(concurrency) < 1)
            {
                stderr.WriteLine("error: --n and --load-n must be positive multiples of 4 (the beam width); --solves and --concurrency at least 1");
                return Task.FromResult(ExitCodes.Usage);
            }

            return MemoryBench.RunAsync(
                new MemoryBench.Settings(parse.GetValue(scenario), parse.GetValue(generator)!, parse.GetValue(n), parse.GetValue(solves), parse.GetValue(loadN), parse.GetValue(concurrency), parse.GetValue(cache)),
                stdout,
                stderr,
                ct);
        });
        return memory;
    }

    private static int Grading(string? dataFolder, TextWriter stdout, TextWriter stderr)
    {
        var pairs = new List<(string Prediction, string Gold)>();
        var math500 = dataFolder is null ? BenchData.Find("math500.jsonl") : Path.Combine(dataFolder, "math500.jsonl");
        if (math500 is not null && File.Exists(math500))
        {
            foreach (var line in File.ReadLines(math500).Where(l => l.Length > 0))
            {
                var o = JsonNode.Parse(line)!.AsObject();
                pairs.Add((o["solution"]!.GetValue<string>(), o["answer"]!.GetValue<string>()));
            }
        }
        else
        {
            stderr.WriteLine("note: MATH-500 not found; grading synthetic pairs instead");
            var rng = new Random(1);
            for (int i = 0; i < 500; i++)
            {
                int a = rng.Next(1, 999), b = rng.Next(1, 99);
                pairs.Add(($"So the answer is $\\boxed{{\\frac{{{a}}}{{{b}}}}}$.", (a / (double)b).ToString("R")));
            }
        }

        MathGrader.Grade(pairs[0].Prediction, pairs[0].Gold); // warm-up (regex compilation, JIT)
        var sw = Stopwatch.StartNew();
        int rounds = 0, graded = 0, correct = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var (p, g) in pairs)
            {
                correct += MathGrader.Grade(p, g).Correct ? 1 : 0;
                graded++;
            }

            rounds++;
        }

        stdout.WriteLine($"grading: {graded} pairs in {sw.Elapsed.TotalSeconds:F2} s = {graded / sw.Elapsed.TotalSeconds:F0} pairs/s ({rounds} rounds of {pairs.Count}; {correct / rounds} correct per round)");
        return ExitCodes.Ok;
    }

    private static int Replay(string? dataFolder, int problems, int completions, TextWriter stdout, TextWriter stderr)
    {
        var sal = dataFolder is null ? BenchData.Find("sal") : Path.Combine(dataFolder, "sal");
        var sources = BenchData.LoadSalProblems(sal, stderr);
        var file = Path.Combine(Path.GetTempPath(), $"ttc-bench-replay-{Environment.ProcessId}.jsonl");
        try
        {
            long bytes = BenchData.WriteSynthesized(file, sources, problems, completions);
            var sw = Stopwatch.StartNew();
            int rc = ReplayCommand.Run(file, asJson: true, "last", TextWriter.Null, stderr);
            sw.Stop();
            long total = (long)problems * completions;
            stdout.WriteLine($"replay: {problems} problems x {completions} completions = {total} completions ({bytes / 1e6:F1} MB) in {sw.Elapsed.TotalSeconds:F2} s = {total / sw.Elapsed.TotalSeconds:F0} completions/s on {Environment.ProcessorCount} core(s) (goal: 128k in under 10 s)");
            return rc;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
