using System.Text.Json.Nodes;

namespace Ttc.Cli.Tests;

public class SolveAndEvalCommandTests
{
    [Fact(Timeout = 120_000)]
    public async Task Solve_BeamSearchJson_ReportsAnswerCompletionAndCompute()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 7 + 5.", "--strategy", "beam_search", "--n", "8", "--beam-width", "2", "--json");
        Assert.True(code == 0, stderr);
        var o = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("beam_search", o["strategy"]!.GetValue<string>());
        Assert.Contains("\\boxed{", o["completion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(8, o["completions"]!.AsArray().Count);
        var compute = o["compute"]!;
        Assert.True(compute["generatedTokens"]!.GetValue<long>() > 0);
        Assert.True(compute["prmTokens"]!.GetValue<long>() > 0);
        Assert.True(o["cachedPromptTokens"]!.GetValue<long>() > 0, "continuing beams should reuse cached prefixes");
        Assert.True(o.ContainsKey("answer"));
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_Text_PrintsAnswerPathAndCompute()
    {
        var (code, stdout, _) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 3 * 4.", "--strategy", "greedy");
        Assert.Equal(0, code);
        Assert.StartsWith("answer: ", stdout, StringComparison.Ordinal);
        Assert.Contains("best path:", stdout, StringComparison.Ordinal);
        Assert.Contains("compute: ", stdout, StringComparison.Ordinal);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("--n", "6", "--n: must be a multiple of beamWidth")]
    [InlineData("--temperature", "-1", "--temperature")]
    [InlineData("--aggregation", "mean", "--aggregation")]
    [InlineData("--strategy", "astar", "unknown strategy 'astar'")]
    [InlineData("--beam-width", "two", "--beam-width: must be a whole number (got \"two\")")]
    [InlineData("--seed", "1.5", "--seed: must be a whole number (got 1.5)")]
    public async Task Solve_BadSetting_UsageErrorNamingIt(string option, string value, string expected)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 1 + 1.", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_MissingGeneratorFolder_ErrorNamesIt()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 1 + 1.", "--generator", "/no/such/model");
        Assert.Equal(1, code);
        Assert.Contains("/no/such/model", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Eval_SmallGrid_WritesSummaryRowsAndResults()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ttc-eval-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--dataset", "synthetic", "--limit", "3", "--strategies", "greedy,weighted_best_of_n,dvts", "--n", "2,4", "--out", dir);
            Assert.True(code == 0, stderr);
            var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["rows"]!.AsArray();
            Assert.Equal(5, rows.Count); // greedy once, the others at n = 2 and 4
            Assert.All(rows, r =>
            {
                Assert.Equal("small", r!["generator"]!.GetValue<string>());
                Assert.Equal(3, r["problems"]!.GetValue<int>());
                Assert.InRange(r["accuracy"]!.GetValue<double>(), 0, 1);
                Assert.True(r["generatedTokensPerProblem"]!.GetValue<double>() > 0);
                Assert.True(r["flopsPerProblem"]!.GetValue<double>() > 0);
            });
            Assert.Equal(15, File.ReadAllLines(Path.Combine(dir, "results.jsonl")).Length);
            Assert.Contains("| small | dvts | 4 |", stdout, StringComparison.Ordinal);
            Assert.Contains("subsampled in order", stderr, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(dir, "accuracy-vs-flops.png")).Length > 5_000);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Eval_Concurrency16_SameAnswersAndTokensAsConcurrency1()
    {
        var dirs = new[] { 1, 16 }.Select(k => (K: k, Dir: Path.Combine(Path.GetTempPath(), $"ttc-eval-k{k}-{Guid.NewGuid():N}"))).ToList();
        try
        {
            var lines = new List<Dictionary<string, string>>();
            foreach (var (k, dir) in dirs)
            {
                var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--dataset", "synthetic", "--limit", "8", "--strategies", "weighted_best_of_n,beam_search", "--n", "4", "--seed", "3", "--concurrency", k.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", dir);
                Assert.True(code == 0, stderr);
                // Lines come in the order searches finish, which concurrency changes; their content must not.
                lines.Add(File.ReadAllLines(Path.Combine(dir, "results.jsonl")).Select(l => JsonNode.Parse(l)!).ToDictionary(
                    o => $"{o["strategy"]} {o["uniqueId"]}",
                    o => $"{o["answer"]} {o["correct"]} {o["generatedTokens"]} {o["prmTokens"]}"));
            }

            Assert.Equal(16, lines[0].Count);
            Assert.Equal(lines[0].OrderBy(p => p.Key, StringComparer.Ordinal), lines[1].OrderBy(p => p.Key, StringComparer.Ordinal));
        }
        finally
        {
            foreach (var (_, dir) in dirs.Where(d => Directory.Exists(d.Dir)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_ComputeOptimal_ShippedPolicyChoosesAndReportsTheChoice()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 7 + 5.", "--strategy", "compute_optimal", "--n", "8", "--json");
        Assert.True(code == 0, stderr);
        var o = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("compute_optimal", o["strategy"]!.GetValue<string>());
        var choice = o["choice"]!;
        Assert.InRange(choice["bin"]!.GetValue<int>(), 1, 3);
        Assert.Equal(4, choice["probeSamples"]!.GetValue<int>());
        Assert.True(o["compute"]!["prmTokens"]!.GetValue<long>() > 0, "the probe is scored and counted");
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_ComputeOptimalMissingPolicy_UsageErrorNamingPolicy()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 7 + 5.", "--strategy", "compute_optimal", "--policy", "/no/such/policy.json");
        Assert.Equal(2, code);
        Assert.Contains("--policy: file '/no/such/policy.json' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task FitPolicy_EvalOnTheDevSplit_WritesAPolicyThatSolveRuns()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ttc-fit-{Guid.NewGuid():N}");
        try
        {
            var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--dataset", "synthetic-dev", "--limit", "6", "--strategies", "best_of_n,beam_search", "--n", "2,4", "--out", dir);
            Assert.True(code == 0, stderr);
            var policy = Path.Combine(dir, "policy.json");
            (code, var table, stderr) = await CliRunner.RunAsync(string.Empty, "fit-policy", dir, "--out", policy, "--bins", "2", "--folds", "3");
            Assert.True(code == 0, stderr);
            Assert.Contains("| 4 |", table, StringComparison.Ordinal);
            var fitted = Ttc.Search.ComputeOptimalPolicy.FromJson(File.ReadAllText(policy));
            Assert.Empty(fitted.Validate());
            Assert.Equal(2, fitted.Bins);
            Assert.Equal(3, JsonNode.Parse(File.ReadAllText(policy))!["fit"]!["folds"]!.GetValue<int>());

            (code, var solved, stderr) = await CliRunner.RunAsync(string.Empty, "solve", "Compute 7 + 5.", "--strategy", "compute_optimal", "--n", "4", "--policy", policy, "--json");
            Assert.True(code == 0, stderr);
            Assert.Contains(JsonNode.Parse(solved)!["choice"]!["strategy"]!.GetValue<string>(), new[] { "best_of_n", "beam_search" });
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task FitPolicy_HeldOutProblems_Refused()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ttc-fit-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "results.jsonl"), """{"generator":"small","strategy":"best_of_n","n":4,"seed":0,"uniqueId":"synthetic/test/0001.json","gold":"1","subsampled":true,"probeScore":0.5}""" + "\n");
            var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "fit-policy", dir, "--out", Path.Combine(dir, "policy.json"));
            Assert.Equal(2, code);
            Assert.Contains("held-out", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "policy.json")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("--n", "1,0", "--n: '0' is not a whole number from 1 to 4096")]
    [InlineData("--seeds", "1,x", "--seeds: 'x' is not a whole number")]
    [InlineData("--limit", "0", "--limit: must be at least 1")]
    public async Task Eval_BadGridOption_UsageErrorNamingIt(string option, string value, string expected)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", option, value, "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Eval_SeedAndSeeds_UsageError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--seed", "1", "--seeds", "1,2", "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("--seeds: give either --seed or --seeds", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Eval_UnknownStrategy_UsageError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--strategies", "greedy,nope", "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("unknown strategy 'nope'", stderr, StringComparison.Ordinal);
    }
}
