using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public class OnnxStepGeneratorTests
{
    private static readonly InferenceOptions NoCache = new() { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = 1 };

    private static StepRequest Request(string problem, string prefix = "", bool toEnd = false, double temperature = 0, long seed = 1) =>
        new(problem, prefix, toEnd ? null : "\n\n", new Sampling(temperature, 1.0, 400, seed));

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_Greedy_StopsAtTheSeparator()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var step = Assert.Single(await gen.GenerateAsync([Request("Compute 7 + 5.")], TestContext.Current.CancellationToken));
        Assert.Equal(StopReason.Separator, step.StopReason);
        Assert.StartsWith("## Step 1: 7 + 5 = ", step.Text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", step.Text, StringComparison.Ordinal);
        Assert.Equal(step.Text.Length, step.GeneratedTokens); // one token per character
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_ToTheEnd_EndsWithEndOfSequenceAndABoxedAnswer()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var step = Assert.Single(await gen.GenerateAsync([Request("Compute 7 + 5.", toEnd: true)], TestContext.Current.CancellationToken));
        Assert.Equal(StopReason.EndOfSequence, step.StopReason);
        Assert.Contains("\\boxed{", step.Text, StringComparison.Ordinal);
        Assert.Equal(step.Text.Length + 1, step.GeneratedTokens); // the end token is counted
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_Batch_EqualsOneByOne()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        StepRequest[] requests =
        [
            Request("Compute 7 + 5.", toEnd: true),
            Request("Compute (3 + 4) * 2 - 5.", "## Step 1: 3 + 4 = 7.\n\n"),
            Request("Compute 9 * 8 - 12 + 3.", temperature: 0.8, seed: 3, toEnd: true),
            Request("Compute 2 + 2.", temperature: 0.8, seed: 4),
        ];
        var batched = await gen.GenerateAsync(requests, TestContext.Current.CancellationToken);
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = Assert.Single(await gen.GenerateAsync([requests[i]], TestContext.Current.CancellationToken));
            Assert.Equal(alone, batched[i]);
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData(2, 0, "fused")]
    [InlineData(2, 1, "fused")]
    [InlineData(1, 2, "fused")]
    [InlineData(1, 2, "optimum")]
    public async Task GenerateAsync_ParallelSubBatches_SameAsOneBatch(int parallelism, int subBatchRows, string layout)
    {
        // With subBatchRows a thread holds fewer rows than its share; rows still waiting take finished rows' places.
        string folder = layout == "optimum" ? Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "optimum", "generator-small") : TestModels.Shipped("generator-small");
        using var one = OnnxStepGenerator.Open(folder, NoCache);
        using var split = OnnxStepGenerator.Open(folder, new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = parallelism, DecodeSubBatchRows = subBatchRows });
        var requests = Enumerable.Range(0, 6)
            .Select(i => Request($"Compute {i + 3} * 4 - {i + 1}.", temperature: 0.8, seed: i, toEnd: i % 2 == 0))
            .ToList();
        var together = await one.GenerateAsync(requests, TestContext.Current.CancellationToken);
        var parallel = await split.GenerateAsync(requests, TestContext.Current.CancellationToken);
        Assert.Equal(together, parallel);
        Assert.Equal(together.Sum(s => (long)s.GeneratedTokens), split.Stats.DecodeTokens + requests.Count);
    }

    [Fact]
    public void Options_DecodeParallelismNegative_NamesTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions { DecodeParallelism = -1 }));
        Assert.Contains("decodeParallelism", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DecodeSubBatchRowsNegative_NamesTheField()
    {
        var ex = Assert.Throws<ArgumentException>(() => OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions { DecodeSubBatchRows = -1 }));
        Assert.Contains("decodeSubBatchRows: must not be negative (got -1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_OneThreadPerSubBatchAndASubBatchPerCoreOnCpu()
    {
        var cpu = new InferenceOptions();
        Assert.Equal(1, cpu.ResolvedIntraOpThreads);
        Assert.Equal(Environment.ProcessorCount, cpu.ResolvedDecodeParallelism);
        var cuda = new InferenceOptions { ExecutionProvider = "cuda" };
        Assert.Equal(0, cuda.ResolvedIntraOpThreads);
        Assert.Equal(1, cuda.ResolvedDecodeParallelism);
        var set = new InferenceOptions { IntraOpThreads = 2, DecodeParallelism = 3 };
        Assert.Equal((2, 3), (set.ResolvedIntraOpThreads, set.ResolvedDecodeParallelism));
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_PrefixCache_SameTextFewerRecomputedTokens()
    {
        var options = new InferenceOptions { PrefixCacheMegabytes = 64, IntraOpThreads = 1 };
        using var cached = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), options);
        using var plain = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var first = Request("Compute (3 + 4) * 2 - 5.");
        var step1 = (await cached.GenerateAsync([first], TestContext.Current.CancellationToken))[0];
        var next = Request("Compute (3 + 4) * 2 - 5.", step1.Text, toEnd: true);

        var withCache = (await cached.GenerateAsync([next], TestContext.Current.CancellationToken))[0];
        var without = (await plain.GenerateAsync([next], TestContext.Current.CancellationToken))[0];
        Assert.Equal(without.Text, withCache.Text);
        Assert.True(cached.CachedPromptTokens >= withCache.PromptTokens - 2, $"cached {cached.CachedPromptTokens} of {withCache.PromptTokens} prompt tokens");
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_SameSeed_SameSample_OtherSeed_Differs()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var requests = Enumerable.Range(0, 8).Select(s => Request("Compute 9 * 8 - 12 + 3.", temperature: 1.0, seed: s, toEnd: true)).ToList();
        var a = await gen.GenerateAsync(requests, TestContext.Current.CancellationToken);
        var b = await gen.GenerateAsync(requests, TestContext.Current.CancellationToken);
        Assert.Equal(a, b);
        Assert.True(a.Select(x => x.Text).Distinct().Count() > 1, "eight seeds gave one text");
    }

    [Fact(Timeout = 120_000)]
    public async Task GenerateAsync_MaxTokens_StopsWithLength()
    {
        using var gen = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), NoCache);
        var step = (await gen.GenerateAsync([new StepRequest("Compute 7 + 5.", string.Empty, null, new Sampling(0, 1, 5, 1))], TestContext.Current.CancellationToken))[0];
        Assert.Equal(StopReason.Length, step.StopReason);
        Assert.Equal(5, step.GeneratedTokens);
        Assert.Equal("## St", step.Text);
    }
}
