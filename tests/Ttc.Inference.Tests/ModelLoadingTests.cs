using Ttc.Inference.Onnx;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public sealed class ModelLoadingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ttc-model-{Guid.NewGuid():N}");

    public ModelLoadingTests()
    {
        Directory.CreateDirectory(_dir);
        CopyIn(TestModels.Shipped("generator-small"));
    }

    private static string Float16Fixture => Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "float16", "model.onnx");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void CopyIn(string folder)
    {
        foreach (var f in Directory.GetFiles(folder))
        {
            File.Copy(f, Path.Combine(_dir, Path.GetFileName(f)), overwrite: true);
        }
    }

    [Fact]
    public void Open_MissingFolder_NamesIt()
    {
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open("/no/such/model", new InferenceOptions()));
        Assert.Contains("/no/such/model", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.onnx", "no model.onnx")]
    [InlineData("config.json", "config.json")]
    [InlineData("tokenizer.json", "tokenizer.json")]
    public void Open_MissingFile_NamesIt(string file, string expected)
    {
        File.Delete(Path.Combine(_dir, file));
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CorruptOnnx_NamesTheFile()
    {
        File.WriteAllText(Path.Combine(_dir, "model.onnx"), "not a model");
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("model.onnx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_VocabularySizeMismatch_SaysSo()
    {
        var config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"vocab_size\": 102", "\"vocab_size\": 50", StringComparison.Ordinal));
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("Vocabulary size mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NotADecoder_SaysSo()
    {
        // A PRM without a KV cache (the shipped one has one, and fails on its 2-wide logits instead: below).
        File.Copy(Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "prm-full", "model.onnx"), Path.Combine(_dir, "model.onnx"), overwrite: true);
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("not a decoder with a KV cache", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Float16Model_FailsNamingTheTensorAndTheWayOut()
    {
        // An export for GPUs (Fixtures/float16, tools/ttc_models/float16_fixture.py): loads in ONNX Runtime,
        // but the decode loop's buffers are float32, so it is refused before the first call.
        File.Copy(Float16Fixture, Path.Combine(_dir, "model.onnx"), overwrite: true);
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("float16", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-p fp32", ex.Message, StringComparison.Ordinal);
        Assert.Matches("'(logits|past_key_values\\.0\\.(key|value)|present\\.0\\.(key|value))'", ex.Message);
    }

    [Fact]
    public void OpenPrm_Float16Model_FailsNamingTheTensor()
    {
        CopyIn(TestModels.Shipped("prm"));
        File.Copy(Float16Fixture, Path.Combine(_dir, "model.onnx"), overwrite: true);
        var ex = Assert.Throws<ModelLoadException>(() => OnnxProcessRewardModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("as float16, but it is fed and read as float32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_APrmWithAKvCache_FailsOnItsVocabulary()
    {
        File.Copy(Path.Combine(TestModels.Shipped("prm"), "model.onnx"), Path.Combine(_dir, "model.onnx"), overwrite: true);
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions()));
        Assert.Contains("Vocabulary size mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CudaOnTheCpuBuild_FailsNamingTheGpuBuild()
    {
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Open(_dir, new InferenceOptions { ExecutionProvider = "cuda" }));
        Assert.Contains("-p:OnnxRuntimeFlavor=gpu", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AutoWithoutCuda_FallsBackToTheCpuAndSaysWhy()
    {
        var (provider, reason) = ExecutionProviders.Resolve(new InferenceOptions { ExecutionProvider = "auto" });
        Assert.Equal("cpu", provider);
        Assert.Contains("'cuda' is not available", reason, StringComparison.Ordinal);
        Assert.Equal(1, new InferenceOptions { ExecutionProvider = "auto" }.ResolvedIntraOpThreads);
        using var generator = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions { ExecutionProvider = "auto" });
        Assert.NotNull(generator.Model);
    }

    [Fact]
    public void Validate_BadOptions_NameTheField()
    {
        var errors = new InferenceOptions { ExecutionProvider = "tpu", MaxBatchSize = 0 }.Validate();
        Assert.Contains(errors, e => e.StartsWith("executionProvider", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("maxBatchSize", StringComparison.Ordinal));
    }
}
