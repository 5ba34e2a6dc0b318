using System.Text.Json.Nodes;
using Ttc.Math;
using Ttc.TestSupport;

namespace Ttc.Cli.Tests;

public class ReplayCommandTests
{
    private static string Problem(string id, int level, string answer, string[] completions, double[][] scores) =>
        new JsonObject
        {
            ["unique_id"] = id, ["level"] = level, ["answer"] = answer,
            ["completions"] = new JsonArray(completions.Select(c => (JsonNode)c).ToArray()),
            ["scores"] = new JsonArray(scores.Select(s => (JsonNode)new JsonArray(s.Select(x => (JsonNode)x).ToArray())).ToArray()),
        }.ToJsonString();

    [Fact(Timeout = 120_000)]
    public async Task Replay_Json_PredictionsAndAccuracyPerK()
    {
        var file = CliRunner.TempFile(string.Join("\n",
            Problem("a", 1, "2", ["\\boxed{3}", "\\boxed{2}", "\\boxed{2}", "\\boxed{5}"], [[0.9], [0.3], [0.3], [0.1]]),
            Problem("b", 2, "7", ["\\boxed{7}", "\\boxed{1}", "\\boxed{1}", "\\boxed{7}"], [[0.2], [0.5], [0.1], [0.9]])));
        try
        {
            var (code, stdout, _) = await CliRunner.RunAsync(string.Empty, "replay", file, "--json");
            Assert.Equal(0, code);
            var root = JsonNode.Parse(stdout)!.AsObject();
            var a = root["problems"]![0]!;
            Assert.Equal("\\boxed{3}", a["pred_naive@4"]!.GetValue<string>());
            Assert.Equal("\\boxed{2}", a["pred_maj@4"]!.GetValue<string>());
            Assert.Equal("\\boxed{3}", a["pred_weighted@4"]!.GetValue<string>()); // 0.9 > 0.3 + 0.3
            Assert.Equal("\\boxed{3}", a["pred_maj@1"]!.GetValue<string>());
            var b = root["problems"]![1]!;
            Assert.Equal("\\boxed{1}", b["pred_naive@2"]!.GetValue<string>());
            Assert.Equal("\\boxed{7}", b["pred_weighted@4"]!.GetValue<string>()); // 1.1 > 0.6

            var acc = root["accuracy"]!.AsArray().Select(r => r!.AsObject()).ToList();
            Assert.Equal(9, acc.Count); // 3 methods x k = 1, 2, 4
            var maj4 = acc.Single(r => r["method"]!.GetValue<string>() == "maj" && r["k"]!.GetValue<int>() == 4);
            Assert.Equal(1.0, maj4["accuracy"]!.GetValue<double>()); // a: 2 wins the vote; b: tie of 7 and 1, 7 first seen
            Assert.Equal(1.0, maj4["accuracyPerLevel"]!["1"]!["accuracy"]!.GetValue<double>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Replay_MalformedLine_SkippedWithNumber()
    {
        var file = CliRunner.TempFile(Problem("a", 1, "2", ["\\boxed{2}"], [[0.5]]) + "\n{\"completions\": [\"x\"], \"scores\": []}\n");
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "replay", file);
            Assert.Equal(3, code);
            Assert.Contains("line 2: field 'scores'", stderr, StringComparison.Ordinal);
            Assert.Contains("Replay of 1 problem", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Replay_BadAggregation_UsageError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "replay", "x.jsonl", "--aggregation", "mean");
        Assert.Equal(2, code);
        Assert.Contains("--aggregation", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Where the stored predictions are the reference's own defects, not ours:
    /// its unit stripping treats "q ." as a regex and deletes "q -" from "2p + \frac{1}{2}q - \frac{11}{3}";
    /// its sympy fallback cannot parse "q \, p", so it never groups it with "p \cdot q" and majority@32 goes to "1".
    /// </summary>
    private static readonly HashSet<string> KnownReferenceDefects =
    [
        "llama-3.2-3b_bon_n4_10problems.jsonl #1 pred_weighted@1", "llama-3.2-3b_bon_n4_10problems.jsonl #1 pred_maj@1",
        "llama-3.2-3b_bon_n4_10problems.jsonl #1 pred_naive@1", "llama-3.2-3b_bon_n4_10problems.jsonl #1 pred_maj@2",
        "llama-3.2-3b_bon_n4_10problems.jsonl #1 pred_maj@4", "llama-3.2-1b_bon_n256_3problems.jsonl #1 pred_maj@32",
    ];

    [Fact(Timeout = 120_000)]
    public async Task Replay_SearchAndLearnFiles_AgreeWithStoredPredictions()
    {
        var folder = SharedData.Require("sal");
        var files = Directory.GetFiles(folder, "*.jsonl");
        Assert.NotEmpty(files);
        var mismatches = new List<string>();
        int compared = 0;
        foreach (var file in files)
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "replay", file, "--json");
            Assert.True(code == 0, stderr);
            var ours = JsonNode.Parse(stdout)!["problems"]!.AsArray();
            var stored = File.ReadLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Assert.Equal(stored.Count, ours.Count);
            for (int i = 0; i < stored.Count; i++)
            {
                foreach (var (key, value) in stored[i].Where(p => p.Key.StartsWith("pred_", StringComparison.Ordinal) && p.Key.Contains('@', StringComparison.Ordinal)))
                {
                    var mine = ours[i]![key]?.GetValue<string>();
                    var theirs = value!.GetValue<string>();
                    compared++;
                    if (mine is null || !(mine == theirs || MathEquivalence.AreEquivalent(AnswerExtractor.LastBoxed(mine), AnswerExtractor.LastBoxed(theirs))))
                    {
                        var where = $"{Path.GetFileName(file)} #{i} {key}";
                        if (!KnownReferenceDefects.Contains(where))
                        {
                            mismatches.Add($"{where}: ours {mine} vs stored {theirs}");
                        }
                    }
                }
            }
        }

        Assert.True(compared > 100, $"only {compared} predictions compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count}/{compared} differ:\n" + string.Join("\n", mismatches));
    }
}
