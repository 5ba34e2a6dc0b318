using System.Text.Json.Nodes;

namespace Ttc.Cli.Tests;

/// <summary>Problems longer than the models' context: refused up front by solve, skipped with the reason by eval.</summary>
public class ContextLimitCommandTests
{
    private static readonly string LongProblem = "Compute " + string.Join(" + ", Enumerable.Range(1, 200).Select(i => (i % 9) + 1)) + ".";

    [Fact(Timeout = 120_000)]
    public async Task Solve_ProblemLongerThanTheContext_Exit2WithTheTokenCountsAndNoStackTrace()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "solve", LongProblem, "--strategy", "beam_search", "--n", "4");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Matches(@"^error: problem: the prompt has \d+ tokens; the generator '.*generator-small' supports 512", stderr);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Eval_DatasetWithAnUnfittableProblem_SkipsItWithTheReasonAndWritesTheSummary()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ttc-eval-{Guid.NewGuid():N}");
        var dataset = CliRunner.TempFile(string.Join('\n',
            new JsonObject { ["problem"] = "Compute 7 + 5.", ["answer"] = "12", ["level"] = 1, ["unique_id"] = "short-1" }.ToJsonString(),
            new JsonObject { ["problem"] = LongProblem, ["answer"] = "1000", ["level"] = 5, ["unique_id"] = "long-1" }.ToJsonString(),
            new JsonObject { ["problem"] = "Compute 3 * 4.", ["answer"] = "12", ["level"] = 1, ["unique_id"] = "short-2" }.ToJsonString()));
        try
        {
            var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "eval", "--dataset", dataset, "--strategies", "greedy,best_of_n", "--n", "2", "--out", dir);
            Assert.True(code == 3, $"exit {code}: {stderr}");
            Assert.Contains("long-1 (small): problem: the prompt has ", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

            var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["rows"]!.AsArray();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r =>
            {
                Assert.Equal(2, r!["problems"]!.GetValue<int>());
                Assert.Equal(1, r["skipped"]!.GetValue<int>());
                var skipped = Assert.Single(r["skippedProblems"]!.AsArray());
                Assert.Equal("long-1", skipped!["uniqueId"]!.GetValue<string>());
                Assert.Contains("supports 512", skipped["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            });

            var lines = File.ReadAllLines(Path.Combine(dir, "results.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(6, lines.Count);
            Assert.Equal(2, lines.Count(l => l["skipped"] is not null));
            Assert.All(lines.Where(l => l["skipped"] is not null), l => Assert.Equal("long-1", l["uniqueId"]!.GetValue<string>()));
        }
        finally
        {
            File.Delete(dataset);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
