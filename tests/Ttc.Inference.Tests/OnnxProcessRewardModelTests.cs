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

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_ShippedPrm_RanksARightSolutionAboveTheSameWithOneWrongResult()
    {
        // What search needs from a PRM: between two solutions of the same problem, the right one scores higher.
        (string Problem, (int A, char Op, int B)[] Steps, int WrongStep, int Delta)[] cases =
        [
            ("Compute 7 + 5.", [(7, '+', 5)], 0, 1),
            ("Compute 8 * 6 - 9.", [(8, '*', 6), (48, '-', 9)], 1, -1),
            ("Compute (12 + 9) * 4.", [(12, '+', 9), (21, '*', 4)], 1, -10),
            ("Compute 15 - 7 + 11.", [(15, '-', 7), (8, '+', 11)], 1, -1),
            ("Compute 9 * 7 + 14.", [(9, '*', 7), (63, '+', 14)], 0, 1),
            ("Compute (20 + 17) * 3.", [(20, '+', 17), (37, '*', 3)], 1, -10),
            ("Compute 6 * 8 + 12 - 7.", [(6, '*', 8), (48, '+', 12), (60, '-', 7)], 2, -1),
            ("Compute 25 - 13 + 4.", [(25, '-', 13), (12, '+', 4)], 1, 1),
            ("Compute (5 + 9) * 6 - 11.", [(5, '+', 9), (14, '*', 6), (84, '-', 11)], 1, 2),
            ("Compute 18 + 24 - 9.", [(18, '+', 24), (42, '-', 9)], 0, -1),
        ];
        using var prm = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), Options);
        var requests = cases.SelectMany(c => new[] { Written(c.Problem, c.Steps, -1, 0), Written(c.Problem, c.Steps, c.WrongStep, c.Delta) }).ToList();
        var scores = await prm.ScoreAsync(requests, TestContext.Current.CancellationToken);
        var rightAbove = Enumerable.Range(0, cases.Length).Count(i => scores[2 * i].Scores[^1] > scores[(2 * i) + 1].Scores[^1]);
        Assert.True(rightAbove >= 9, $"the right solution scored higher in {rightAbove} of {cases.Length} problems");
    }

    /// <summary>A solution in the task's format; from <paramref name="wrongStep"/> on, results are off by <paramref name="delta"/> and later steps build on them.</summary>
    private static ScoreRequest Written(string problem, (int A, char Op, int B)[] ops, int wrongStep, int delta)
    {
        var steps = new List<string>();
        int value = ops[0].A;
        for (int i = 0; i < ops.Length; i++)
        {
            var (_, op, b) = ops[i];
            int next = op switch { '+' => value + b, '-' => value - b, _ => value * b } + (i == wrongStep ? delta : 0);
            steps.Add($"## Step {i + 1}: {value} {op} {b} = {next}.");
            value = next;
        }

        steps.Add($"Therefore, the final answer is: $\\boxed{{{value}}}$. I hope it is correct.");
        return new ScoreRequest(problem, steps);
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
