using System.Text.Json.Nodes;

namespace Ttc.Cli.Tests;

/// <summary><c>ttc bench inference --json</c> on a tiny workload: the output is one JSON object with every figure.</summary>
public class BenchInferenceCommandTests
{
    [Fact(Timeout = 300_000)]
    public async Task BenchInference_Json_ParsesWithARunPerSettingAndBatchAndEveryField()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "bench", "inference", "--generator", "small", "--batches", "1,3", "--max-tokens", "4", "--seconds", "0", "--json");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        var report = JsonNode.Parse(stdout)!.AsObject();

        Assert.True(report["sgemmPeakGflops"]!.GetValue<double>() > 0);
        Assert.True(report["peakWorkingSetMiB"]!.GetValue<double>() > 0);
        Assert.Equal(60720, report["parameters"]!.GetValue<double>());
        Assert.Contains("2 * P_matmul", report["flopsFormula"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, report["workload"]!["maxTokens"]!.GetValue<int>());
        Assert.True(report["prm"]!["scoredTokensPerSecond"]!.GetValue<double>() > 0);

        var runs = report["runs"]!.AsArray().Select(r => r!.AsObject()).ToList();
        // Where our attention kernel was built (Linux with g++), a third setting runs ONNX Runtime's in its place;
        // each run says which kernel ran, from the kernel's own call count.
        bool ours = Ttc.Inference.Onnx.AttentionKernel.Path is not null;
        string[] expected = ours
            ? ["one-batch/1/ttc", "one-batch/3/ttc", "sub-batches/1/ttc", "sub-batches/3/ttc", "sub-batches-ort-attention/1/onnxruntime", "sub-batches-ort-attention/3/onnxruntime"]
            : ["one-batch/1/onnxruntime", "one-batch/3/onnxruntime", "sub-batches/1/onnxruntime", "sub-batches/3/onnxruntime"];
        Assert.Equal(expected, runs.Select(r => $"{r["setting"]}/{r["batch"]}/{r["attentionKernel"]}"));
        Assert.All(runs, r =>
        {
            foreach (var field in new[] { "tokensPerSecond", "prefillTokensPerSecond", "decodeTokensPerSecond", "gflops", "prefillGflops", "decodeGflops", "shareOfSgemmPeak", "peakWorkingSetMiB", "meanPromptTokens" })
            {
                double v = r[field]!.GetValue<double>();
                Assert.True(v > 0 && double.IsFinite(v), $"{field} = {v}");
            }

            Assert.InRange(r["meanGeneratedTokens"]!.GetValue<double>(), 1, 4);
            Assert.True(r["shareOfSgemmPeak"]!.GetValue<double>() < 1, "a share of the measured peak above 1 means the FLOPs count is wrong");
        });
        Assert.Equal(Environment.ProcessorCount, runs[0]["intraOpThreads"]!.GetValue<int>());
        Assert.Equal(1, runs[2]["intraOpThreads"]!.GetValue<int>());
        // One batch is one sub-batch; as sub-batches, three rows go one per core (the cache rule never cuts below 16 rows).
        Assert.Equal(3, runs[1]["subBatchRows"]!.GetValue<double>());
        Assert.Equal(3.0 / System.Math.Min(Environment.ProcessorCount, 3), runs[3]["subBatchRows"]!.GetValue<double>(), 6);
    }

    [Fact(Timeout = 300_000)]
    public async Task BenchInference_Text_WithoutBatchOne_PrintsNoRatioToIt()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(string.Empty, "bench", "inference", "--generator", "small", "--batches", "3", "--max-tokens", "4", "--seconds", "0");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("batch   3:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("the best batch 1", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BenchInference_BadBatches_Exit2NamingTheOption()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "bench", "inference", "--batches", "1,zero");
        Assert.Equal(2, code);
        Assert.Contains("--batches", stderr, StringComparison.Ordinal);
    }
}
