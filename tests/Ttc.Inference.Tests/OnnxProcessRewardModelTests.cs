using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public class OnnxProcessRewardModelTests
{
    private static readonly InferenceOptions Options = new() { IntraOpThreads = 1 };

    private static ScoreRequest Solution(string problem, params string[] steps) => new(problem, steps);

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_StepTagHead_OneProbabilityPerStep()
    {
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), Options);
        Assert.Equal(PrmConvention.StepTagTwoClass, prm.Convention);
        var result = Assert.Single(await prm.ScoreAsync([Solution("Compute 7 + 5.", "## Step 1: 7 + 5 = 12.", "Therefore, the final answer is: $\\boxed{12}$. I hope it is correct.")], TestContext.Current.CancellationToken));
        Assert.Equal(2, result.Scores.Count);
        Assert.All(result.Scores, s => Assert.InRange(s, 0, 1));
        Assert.True(result.Tokens > 80);
    }

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_Batch_EqualsOneByOne()
    {
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), Options);
        ScoreRequest[] requests =
        [
            Solution("Compute 7 + 5.", "## Step 1: 7 + 5 = 12.", "Therefore, the final answer is: $\\boxed{12}$. I hope it is correct."),
            Solution("Compute (3 + 4) * 2.", "## Step 1: 3 + 4 = 7."),
            Solution("Compute 9 * 8 - 12 + 3.", "## Step 1: 9 * 8 = 72.", "## Step 2: 72 - 12 = 60.", "## Step 3: 60 + 3 = 63."),
        ];
        var batched = await prm.ScoreAsync(requests, TestContext.Current.CancellationToken);
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = Assert.Single(await prm.ScoreAsync([requests[i]], TestContext.Current.CancellationToken));
            Assert.Equal(alone.Tokens, batched[i].Tokens);
            Assert.Equal(alone.Scores.Count, batched[i].Scores.Count);
            for (int k = 0; k < alone.Scores.Count; k++)
            {
                Assert.Equal(alone.Scores[k], batched[i].Scores[k], 4);
            }
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData(PrmConvention.PlusMinusTurns)]
    [InlineData(PrmConvention.PlusMinusTag)]
    public async Task ScoreAsync_PlusMinusConventions_RunOnACausalLm(PrmConvention convention)
    {
        // Our generator is a causal LM with "+" and "-" tokens: the code path of RLHFlow / Math-Shepherd PRMs runs for real.
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("generator-small"), Options, convention, stepTag: "#");
        var result = Assert.Single(await prm.ScoreAsync([Solution("Compute 7 + 5.", "## Step 1: 7 + 5 = 12.", "## Step 2: 12 - 1 = 11.", "Done.")], TestContext.Current.CancellationToken));
        Assert.Equal(3, result.Scores.Count);
        Assert.All(result.Scores, s => Assert.True(s is > 0 and < 1, $"score {s}"));
    }

    [Fact]
    public void Open_TwoClassConventionOnAnLmHead_FailsNamingTheFile()
    {
        var ex = Assert.Throws<ModelLoadException>(() => OnnxProcessRewardModel.Open(TestModels.Shipped("generator-small"), Options, PrmConvention.StepTagTwoClass));
        Assert.Contains("2-class head", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.onnx", ex.Message, StringComparison.Ordinal);
    }
}
