using System.Text.Json.Nodes;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// The context is a limit, never a crash: a problem that cannot fit is refused before any work with
/// both token counts; a row that reaches the limit stops with Length while its batch goes on; the PRM
/// scores the steps that fit and counts the rest. Small contexts come from copies of the shipped models
/// whose config.json says fewer positions (the graphs are unchanged).
/// </summary>
public sealed class ContextLimitTests : IDisposable
{
    private static readonly InferenceOptions NoCache = new() { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = 1 };

    private readonly List<string> _folders = [];

    private static string LongProblem(int terms) => "Compute " + string.Join(" + ", Enumerable.Range(1, terms).Select(i => (i % 9) + 1)) + ".";

    [Fact(Timeout = 60_000)]
    public void Check_ProblemLongerThanTheGenerator_NamesTheFieldTheModelAndBothCounts()
    {
        var budget = PromptBudget.Open(TestModels.Shipped("generator-small"), TestModels.Shipped("prm"));
        var problem = LongProblem(200);
        var error = budget.Check(problem);
        int tokens = budget.GeneratorPromptTokens(problem)!.Value;
        Assert.True(tokens > 512, $"{tokens} tokens");
        Assert.NotNull(error);
        Assert.StartsWith($"problem: the prompt has {tokens} tokens; the generator '", error, StringComparison.Ordinal);
        Assert.Contains("generator-small' supports 512", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public void Check_ShortProblem_Null()
    {
        var budget = PromptBudget.Open(TestModels.Shipped("generator-small"), TestModels.Shipped("prm"));
        Assert.Null(budget.Check("Compute 7 + 5."));
        Assert.Equal(512, budget.GeneratorPositions);
        Assert.Equal(512, budget.PrmPositions);
    }

    [Fact(Timeout = 60_000)]
    public void Check_FitsTheGeneratorButNotThePrm_NamesThePrmAndTheField()
    {
        var prm = WithPositions("prm", 40);
        var budget = PromptBudget.Open(TestModels.Shipped("generator-small"), prm);
        var problem = LongProblem(20);
        var error = budget.Check(problem, "items[3].problem");
        Assert.NotNull(error);
        Assert.StartsWith($"items[3].problem: the PRM's input has {budget.PrmPromptTokens(problem)} tokens", error, StringComparison.Ordinal);
        Assert.Contains($"the PRM '{prm}' supports 40", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public void Check_NoModels_AlwaysFits()
    {
        Assert.Null(PromptBudget.Open(null, null).Check(LongProblem(400)));
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_PromptOverTheContextInABatch_StopsWithLengthAndTheOthersRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var ok = new StepRequest("Compute 7 + 5.", string.Empty, "\n\n", new Sampling(0, 1, 100, 0));
        var tooLong = new StepRequest(LongProblem(300), string.Empty, "\n\n", new Sampling(0, 1, 100, 0));
        var results = await gen.GenerateAsync([tooLong, ok], ct);
        Assert.Equal(StopReason.Length, results[0].StopReason);
        Assert.Equal(string.Empty, results[0].Text);
        Assert.Equal(0, results[0].GeneratedTokens);
        Assert.True(results[0].PromptTokens >= 512);
        Assert.Equal(Assert.Single(await gen.GenerateAsync([ok], ct)), results[1]);
    }

    [Fact(Timeout = 120_000)]
    public async Task CompleteAsync_EmptyPrompt_StopsWithLengthInsteadOfFailing()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var result = Assert.Single(await gen.CompleteAsync([new PromptRequest(string.Empty, null, new Sampling(0, 1, 10, 0))], TestContext.Current.CancellationToken));
        Assert.Equal(new GeneratedStep(string.Empty, StopReason.Length, 0, 0), result);
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_RowReachesTheContext_StopsWithLengthAtTheLastPosition()
    {
        using var gen = OnnxStepGenerator.Open(WithPositions("generator-small", 40), NoCache);
        var result = Assert.Single(await gen.GenerateAsync([new StepRequest("Compute 7 + 5 - 3.", string.Empty, null, new Sampling(0, 1, 400, 0))], TestContext.Current.CancellationToken));
        Assert.Equal(StopReason.Length, result.StopReason);
        Assert.Equal(40, result.PromptTokens + result.GeneratedTokens);
    }

    [Fact(Timeout = 120_000)]
    public async Task ScoreAsync_SolutionLongerThanThePrm_ScoresTheStepsThatFitAndCountsTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var full = OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), NoCache);
        using var small = OnnxProcessRewardModel.Open(WithPositions("prm", 60), NoCache);
        var request = new ScoreRequest("Compute 7 + 5 - 3 + 2.", ["## Step 1: 7 + 5 = 12.", "## Step 2: 12 - 3 = 9.", "## Step 3: 9 + 2 = 11.", "Therefore, the final answer is: $\\boxed{11}$. I hope it is correct."]);
        var whole = Assert.Single(await full.ScoreAsync([request], ct));
        var cut = Assert.Single(await small.ScoreAsync([request], ct));
        Assert.Equal(4, whole.Scores.Count);
        Assert.Equal(0, whole.TruncatedSteps);
        Assert.InRange(cut.Scores.Count, 1, 3);
        Assert.Equal(4 - cut.Scores.Count, cut.TruncatedSteps);
        Assert.Equal(60, cut.Tokens);
        // The model is causal: the steps that fit score as they do with the whole solution.
        for (int i = 0; i < cut.Scores.Count; i++)
        {
            Assert.Equal(whole.Scores[i], cut.Scores[i], 5);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task BeamSearch_BeamsReachTheContext_FinishWithLengthAndCountTruncatedPrmSteps()
    {
        var ct = TestContext.Current.CancellationToken;
        // About 25 prompt tokens: the first step fits both models, the second neither.
        using var gen = OnnxStepGenerator.Open(WithPositions("generator-small", 64), NoCache);
        using var prm = OnnxProcessRewardModel.Open(WithPositions("prm", 60), NoCache);
        var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 8, BeamWidth = 2, Seed = 0, NumIterations = 10 };
        var result = await SearchRunner.SolveAsync("Compute 7 + 5 - 3 + 2.", config, new SearchContext(gen, prm), cancellationToken: ct);
        Assert.True(result.Iterations >= 2, $"{result.Iterations} iteration(s)");
        Assert.NotEmpty(result.Completions);
        Assert.All(result.Completions, c => Assert.Equal(StopReason.Length, c.StopReason));
        Assert.All(result.Completions, c => Assert.NotEmpty(c.Scores));
        Assert.True(result.Compute.PrmTruncatedSteps > 0, "the 60-position PRM should have cut the second steps");
    }

    /// <summary>A copy of a shipped model folder whose config.json says <paramref name="positions"/> positions.</summary>
    private string WithPositions(string model, int positions)
    {
        var source = TestModels.Shipped(model);
        var folder = Directory.CreateTempSubdirectory($"ttc-{model}-{positions}-").FullName;
        _folders.Add(folder);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        config["max_position_embeddings"] = positions;
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        return folder;
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Cleanup must never hide a test's real failure.
            }
        }
    }
}
