using System.Text.Json;
using Ttc.Inference.Tokenization;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public class HfTokenizerTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizer-encodings.json"))).RootElement;

    [Theory]
    [InlineData("tokenizer-llama3", "llama3")]
    [InlineData("tokenizer-qwen3", "qwen3")]
    public void Encode_RealTokenizerFiles_MatchKnownEncodings(string package, string key)
    {
        var tokenizer = HfTokenizer.Load(TestModels.NpmTokenizer(package));
        foreach (var item in Fixture.GetProperty(key).EnumerateArray())
        {
            var text = item.GetProperty("text").GetString()!;
            var expected = item.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            Assert.Equal(expected, tokenizer.Encode(text));
            Assert.Equal(text, tokenizer.Decode(expected));
        }
    }

    [Fact]
    public void Encode_Llama3SpecialTokens_MapToTheirIds()
    {
        var tokenizer = HfTokenizer.Load(TestModels.NpmTokenizer("tokenizer-llama3"));
        var ids = tokenizer.Encode("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello world<|eot_id|>");
        Assert.Equal(128000, ids[0]);
        Assert.Equal(128006, ids[1]);
        Assert.Equal(128009, ids[^1]);
        Assert.Equal(128256, tokenizer.VocabSize);
    }

    [Fact]
    public void Encode_ShippedCharLevelTokenizer_OneIdPerCharacter()
    {
        var tokenizer = HfTokenizer.Load(TestModels.Shipped("generator-small"));
        var text = "<|begin|><|user|>Compute 7 + 5.<|assistant|>## Step 1: 7 + 5 = 12.\n\n";
        var ids = tokenizer.Encode(text);
        Assert.Equal(3 + "Compute 7 + 5.".Length + "## Step 1: 7 + 5 = 12.\n\n".Length, ids.Count);
        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.Equal("Compute 7 + 5.## Step 1: 7 + 5 = 12.\n\n", tokenizer.Decode(ids, skipAdded: true));
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var ex = Assert.Throws<ModelLoadException>(() => HfTokenizer.Load("/no/such/folder/tokenizer.json"));
        Assert.Contains("/no/such/folder/tokenizer.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotBpe_SaysSo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tok-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        try
        {
            var ex = Assert.Throws<ModelLoadException>(() => HfTokenizer.Load(path));
            Assert.Contains("only BPE", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
