using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// The shipped PRM is exported with a KV cache and scored incrementally; the same weights exported
/// without one (Fixtures/prm-full, scored from scratch every time) are the reference.
/// </summary>
public class IncrementalPrmScorerTests
{
    private static readonly string FullLayout = Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "prm-full");

    private static readonly string[][] Steps =
    [
        ["## Step 1: 7 + 5 = 12.", "Therefore, the final answer is: $\\boxed{12}$. I hope it is correct."],
        ["## Step 1: 9 * 8 = 72.", "## Step 2: 72 - 12 = 60.", "## Step 3: 60 + 3 = 63.", "Therefore, the final answer is: $\\boxed{63}$. I hope it is correct."],
        ["## Step 1: 3 + 4 = 7.", "## Step 2: 7 * 2 = 15.", "Therefore, the final answer is: $\\boxed{15}$. I hope it is correct."],
    ];

    private static readonly string[] Problems = ["Compute 7 + 5.", "Compute 9 * 8 - 12 + 3.", "Compute (3 + 4) * 2."];

    [Fact(Timeout = 120_000)]
    public void Open_DetectsTheLayoutFromTheGraph()
    {
        using var incremental = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions { IntraOpThreads = 1 });
        using var full = OnnxProcessRewardModel.Open(FullLayout, new InferenceOptions { IntraOpThreads = 1 });
        Assert.True(incremental.IsIncremental);
        Assert.False(full.IsIncremental);
    }

    [Theory(Timeout = 240_000)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ScoreAsync_StepByStep_SameScoresAsFromScratch(int parallelism)
    {
        // Scored the way a beam search scores: each round the solutions have one more step, so all but the
        // new step comes from the cache; mixed in, a solution the cache has never seen.
        var options = new InferenceOptions { IntraOpThreads = 1, DecodeParallelism = parallelism };
        using var incremental = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), options);
        using var full = OnnxProcessRewardModel.Open(FullLayout, options);
        var ct = TestContext.Current.CancellationToken;
        long tokens = 0;
        for (int round = 1; round <= 4; round++)
        {
            var requests = Enumerable.Range(0, Problems.Length)
                .Select(i => new ScoreRequest(Problems[i], Steps[i].Take(round).ToList()))
                .Append(new ScoreRequest("Compute 6 * 8 + 12 - 7.", [.. Enumerable.Range(1, round).Select(k => $"## Step {k}: {k} + {k} = {2 * k}.")]))
                .ToList();
            var expected = await full.ScoreAsync(requests, ct);
            var actual = await incremental.ScoreAsync(requests, ct);
            tokens += actual.Sum(r => r.Tokens);
            for (int i = 0; i < requests.Count; i++)
            {
                Assert.Equal(expected[i].Tokens, actual[i].Tokens);
                Assert.Equal(expected[i].Scores.Count, actual[i].Scores.Count);
                for (int k = 0; k < expected[i].Scores.Count; k++)
                {
                    Assert.True(System.Math.Abs(expected[i].Scores[k] - actual[i].Scores[k]) < 1e-5, $"round {round}, solution {i}, step {k}: {expected[i].Scores[k]} from scratch, {actual[i].Scores[k]} incremental");
                }
            }
        }

        Assert.True(incremental.ReadTokens < tokens, $"later rounds should reuse the earlier rounds' tokens (read {incremental.ReadTokens} of {tokens})");
    }

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_WithoutACache_ScoresFromScratch()
    {
        using var uncached = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions { IntraOpThreads = 1, PrefixCacheMegabytes = 0 });
        using var full = OnnxProcessRewardModel.Open(FullLayout, new InferenceOptions { IntraOpThreads = 1 });
        var request = new ScoreRequest(Problems[1], Steps[1]);
        var ct = TestContext.Current.CancellationToken;
        _ = await uncached.ScoreAsync([request], ct);
        var a = Assert.Single(await uncached.ScoreAsync([request], ct));
        var b = Assert.Single(await full.ScoreAsync([request], ct));
        Assert.Equal(2L * a.Tokens, uncached.ReadTokens);
        Assert.Equal(b.Scores.Count, a.Scores.Count);
        Assert.All(b.Scores.Zip(a.Scores), p => Assert.True(System.Math.Abs(p.First - p.Second) < 1e-5));
    }

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_SolutionsOfOneProblem_ReadTheSharedPromptOnce()
    {
        // Best-of-N's first scoring: n solutions of the same problem, nothing cached yet.
        using var incremental = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions { IntraOpThreads = 1 });
        using var full = OnnxProcessRewardModel.Open(FullLayout, new InferenceOptions { IntraOpThreads = 1 });
        var requests = new[] { "12", "15", "11", "13" }
            .Select(x => new ScoreRequest(Problems[0], ["## Step 1: 7 + 5 = " + x + ".", $"Therefore, the final answer is: $\\boxed{{{x}}}$. I hope it is correct."]))
            .ToList();
        var ct = TestContext.Current.CancellationToken;
        var expected = await full.ScoreAsync(requests, ct);
        var actual = await incremental.ScoreAsync(requests, ct);

        // One at a time, each solution after the first reuses the first's prompt from the cache: in one
        // call, the shared prompt is read once first, so the same tokens are read.
        using var oneByOne = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions { IntraOpThreads = 1 });
        foreach (var request in requests)
        {
            _ = await oneByOne.ScoreAsync([request], ct);
        }

        long total = actual.Sum(r => (long)r.Tokens);
        Assert.True(oneByOne.ReadTokens < total, $"one at a time read {oneByOne.ReadTokens} of {total} tokens");
        Assert.Equal(oneByOne.ReadTokens, incremental.ReadTokens);
        for (int i = 0; i < requests.Count; i++)
        {
            Assert.All(expected[i].Scores.Zip(actual[i].Scores), p => Assert.True(System.Math.Abs(p.First - p.Second) < 1e-5, $"{p.First} from scratch, {p.Second} incremental"));
        }
    }
}
