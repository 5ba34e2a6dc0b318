using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// Fused-layout generators whose graph leaves the KV capacity open, as ONNX Runtime GenAI's model builder
/// writes them: Fixtures/model-builder holds the shipped small generator with only its past/present
/// dimensions made symbolic (tools/ttc_models/open_capacity.py). The loader recognises the layout and
/// sizes the cache from the options or the model.
/// </summary>
public class OpenCapacityTests
{
    private static string ModelBuilder(string name) => Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "model-builder", name);

    [Theory]
    [InlineData(0, 512)] // the model's max_position_embeddings
    [InlineData(200, 200)]
    [InlineData(5000, 512)] // capped at max_position_embeddings
    public void Open_OpenCapacity_FusedWithTheCapacityChosen(int kvCapacity, int expected)
    {
        var options = new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = 1, KvCapacity = kvCapacity };
        using var model = DecoderModel.Open(ModelBuilder("generator-small"), options);
        Assert.Equal(KvLayout.Fused, model.Layout);
        Assert.Equal(expected, model.KvCapacity);
        Assert.Equal(expected, model.MaxPositions);
        Assert.False(model.UsesPositionIds);
    }

    [Theory(Timeout = 300_000)]
    [InlineData("ttc")]
    [InlineData("onnxruntime")]
    public async Task GenerateAsync_OpenCapacity_SameTextAsTheFixedCapacityExport(string kernel)
    {
        // A capacity other than the export's 512, so the buffers really are of the size chosen at load.
        var open = FusedLayoutTests.WithKernel(kernel, prefixCacheMegabytes: 16);
        open.KvCapacity = 300;
        using var builder = OnnxStepGenerator.Open(ModelBuilder("generator-small"), open);
        using var shipped = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), FusedLayoutTests.WithKernel(kernel, prefixCacheMegabytes: 16));
        var ct = TestContext.Current.CancellationToken;
        var requests = Enumerable.Range(0, 7)
            .Select(i => new StepRequest($"Compute {i + 4} * {i + 3} - {(i * 5) + 2}.", i % 2 == 0 ? "## Step 1" : string.Empty, i % 3 == 0 ? null : "\n\n", new Sampling(0, 1, 100, i)))
            .ToList();
        var first = await shipped.GenerateAsync(requests, ct);
        Assert.Equal(first, await builder.GenerateAsync(requests, ct));
        var next = requests.Zip(first, (r, g) => r with { Prefix = r.Prefix + g.Text, StopSequence = "\n\n" }).ToList();
        Assert.Equal(await shipped.GenerateAsync(next, ct), await builder.GenerateAsync(next, ct));
        Assert.True(builder.CachedPromptTokens > 0);
    }
}
