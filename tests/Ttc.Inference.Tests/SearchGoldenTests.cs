using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// Every strategy on the shipped models, on fixed problems, settings and seeds, must reproduce the
/// recorded outputs exactly (texts, token and call counts; scores to 1e-5), one search at a time and
/// all searches sharing model batches. Set TTC_RECORD_GOLDEN=1 to re-record after a model change.
/// </summary>
public class SearchGoldenTests
{
    private static readonly string GoldenPath = Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "search-golden.json");

    // The settings' JSON as it was when the outputs were recorded (PascalCase, enum names).
    private static readonly JsonSerializerOptions RecordedConfigJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static readonly string[] Problems =
    [
        "Compute 11 * 7 + 2.",
        "Compute 5 - 5 + 14 - 12.",
        "Compute 19 * 3 - 20 + 7 * 2.",
    ];

    private static readonly SearchConfig[] Configs =
    [
        new() { Strategy = StrategyNames.Greedy, N = 1 },
        new() { Strategy = StrategyNames.Majority, N = 4, Seed = 0 },
        new() { Strategy = StrategyNames.BestOfN, N = 4, Seed = 0 },
        new() { Strategy = StrategyNames.WeightedBestOfN, N = 4, Seed = 1, Aggregation = AggregationStrategy.Min },
        new() { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 4, Seed = 0 },
        new() { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 2, Seed = 1, Lookahead = 1, FilterDuplicates = true, SortCompleted = true, Aggregation = AggregationStrategy.Prod },
        new() { Strategy = StrategyNames.BeamSearch, N = 4, BeamWidth = 4, Seed = 2, NumIterations = 3, MaxTokens = 30 },
        new() { Strategy = StrategyNames.Dvts, N = 8, BeamWidth = 4, Seed = 0 },
        new() { Strategy = StrategyNames.Dvts, N = 8, BeamWidth = 2, Seed = 2, Lookahead = 1, NumIterations = 3, Aggregation = AggregationStrategy.Min },
    ];

    private static IEnumerable<(string Problem, SearchConfig Config)> Cases() =>
        Problems.SelectMany(p => Configs.Select(c => (p, c)));

    [Fact(Timeout = 600_000)]
    public async Task Search_OneAtATime_ReproducesTheRecordedOutputs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var generator = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions());
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions());
        var context = new SearchContext(generator, prm);
        var actual = new JsonArray();
        foreach (var (problem, config) in Cases())
        {
            var result = await SearchRunner.SolveAsync(problem, config, context, cancellationToken: ct);
            actual.Add(Record(problem, config, result));
        }

        var golden = new JsonObject { ["models"] = ModelsHash(), ["cases"] = actual };
        if (Environment.GetEnvironmentVariable("TTC_RECORD_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(GoldenPath, golden.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
            return;
        }

        AssertMatchesGolden(golden);
    }

    [Fact(Timeout = 600_000)]
    public async Task Search_AllAtOnceSharingBatches_ReproducesTheRecordedOutputs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var generator = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions());
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions());
        var cases = Cases().ToList();
        var results = new SearchResult?[cases.Count];
        var runner = new SearchRunner(new SearchContext(generator, prm), concurrency: cases.Count);
        await runner.RunAsync(
            cases.Select((c, i) => (i, StrategyRegistry.Get(c.Config.Strategy).Start(c.Problem, c.Config))),
            (i, r, _) => { results[i] = r; return Task.CompletedTask; },
            cancellationToken: ct);

        Assert.True(runner.Stats.MeanGenerationBatch > 8, $"searches did not share batches (mean generation batch {runner.Stats.MeanGenerationBatch:F1})");
        var actual = new JsonArray(cases.Select((c, i) => (JsonNode)Record(c.Problem, c.Config, results[i]!)).ToArray());
        AssertMatchesGolden(new JsonObject { ["models"] = ModelsHash(), ["cases"] = actual });
    }

    private static void AssertMatchesGolden(JsonObject actual)
    {
        Assert.True(File.Exists(GoldenPath), $"{GoldenPath} is missing: record it with TTC_RECORD_GOLDEN=1.");
        var expected = JsonNode.Parse(File.ReadAllText(GoldenPath))!.AsObject();
        Assert.True(
            expected["models"]!.GetValue<string>() == actual["models"]!.GetValue<string>(),
            "The shipped models changed since the golden outputs were recorded; re-record them with TTC_RECORD_GOLDEN=1 dotnet test --filter SearchGoldenTests, and review the diff.");
        var e = expected["cases"]!.AsArray();
        var a = actual["cases"]!.AsArray();
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
        {
            AssertSame(e[i]!, a[i]!, $"case {i} ({e[i]!["strategy"]}, {e[i]!["problem"]})");
        }
    }

    /// <summary>
    /// Exact equality, except doubles, which may differ by float noise: from batch composition, and from
    /// where the PRM's incremental scoring split a solution (what was cached decides; logits agree to ~1e-5).
    /// </summary>
    private static void AssertSame(JsonNode expected, JsonNode actual, string path)
    {
        switch (expected)
        {
            case JsonObject eo:
                var ao = Assert.IsType<JsonObject>(actual);
                Assert.Equal(eo.Select(p => p.Key).Order(StringComparer.Ordinal), ao.Select(p => p.Key).Order(StringComparer.Ordinal));
                foreach (var (key, value) in eo)
                {
                    if (value is null)
                    {
                        Assert.True(ao[key] is null, $"{path}.{key}: expected null, got {ao[key]?.ToJsonString()}");
                    }
                    else
                    {
                        AssertSame(value, ao[key]!, $"{path}.{key}");
                    }
                }

                break;
            case JsonArray ea:
                var aa = Assert.IsType<JsonArray>(actual);
                Assert.True(ea.Count == aa.Count, $"{path}: expected {ea.Count} items, got {aa.Count}");
                for (int i = 0; i < ea.Count; i++)
                {
                    AssertSame(ea[i]!, aa[i]!, $"{path}[{i}]");
                }

                break;
            default:
                var ev = expected.AsValue();
                if (ev.GetValueKind() == JsonValueKind.Number && ev.ToJsonString().Contains('.', StringComparison.Ordinal))
                {
                    Assert.True(System.Math.Abs(ev.GetValue<double>() - actual.GetValue<double>()) <= 1e-5, $"{path}: expected {ev}, got {actual}");
                }
                else
                {
                    Assert.True(ev.ToJsonString() == actual.ToJsonString(), $"{path}: expected {ev.ToJsonString()}, got {actual.ToJsonString()}");
                }

                break;
        }
    }

    private static JsonObject Record(string problem, SearchConfig config, SearchResult r) => new()
    {
        ["problem"] = problem,
        ["strategy"] = config.Strategy,
        ["config"] = JsonSerializer.SerializeToNode(config, RecordedConfigJson),
        ["answer"] = r.Answer,
        ["completion"] = r.Completion,
        ["score"] = r.Score,
        ["iterations"] = r.Iterations,
        ["compute"] = new JsonObject
        {
            ["generatedTokens"] = r.Compute.GeneratedTokens,
            ["promptTokens"] = r.Compute.PromptTokens,
            ["prmTokens"] = r.Compute.PrmTokens,
            ["generatorCalls"] = r.Compute.GeneratorCalls,
            ["prmCalls"] = r.Compute.PrmCalls,
            ["generatedSequences"] = r.Compute.GeneratedSequences,
            ["scoredSequences"] = r.Compute.ScoredSequences,
        },
        ["completions"] = new JsonArray(r.Completions.Select(c => (JsonNode)new JsonObject
        {
            ["text"] = c.Text,
            ["answer"] = c.Answer,
            ["stopReason"] = c.StopReason?.ToString(),
            ["generatedTokens"] = c.GeneratedTokens,
            ["score"] = c.AggregatedScore,
            ["stepScores"] = new JsonArray(c.Scores.Select(s => (JsonNode)s).ToArray()),
        }).ToArray()),
    };

    /// <summary>A hash of the shipped generator and PRM files the outputs depend on.</summary>
    private static string ModelsHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var folder in new[] { "generator-small", "prm" })
        {
            foreach (var file in new[] { "model.onnx", "tokenizer.json", "tokenizer_config.json", "config.json" })
            {
                sha.AppendData(File.ReadAllBytes(Path.Combine(TestModels.Shipped(folder), file)));
            }
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
