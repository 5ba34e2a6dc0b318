using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// genai_config.json (read by ONNX Runtime GenAI) beside each shipped generator agrees with config.json,
/// generation_config.json and the ONNX graph itself, so GenAI runs the same model our generator does.
/// </summary>
public class GenAiConfigTests
{
    [Theory]
    [InlineData("generator-small")]
    [InlineData("generator-large")]
    public void GenAiConfig_MatchesConfigJsonAndTheGraph(string name)
    {
        var folder = TestModels.Shipped(name);
        var genai = Read(folder, "genai_config.json")["model"]!;
        var config = Read(folder, "config.json");
        var generation = Read(folder, "generation_config.json");
        var decoder = genai["decoder"]!;
        int layers = config["num_hidden_layers"]!.GetValue<int>();

        Assert.Equal(config["model_type"]!.GetValue<string>(), genai["type"]!.GetValue<string>());
        Assert.Equal(layers, decoder["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal(config["num_attention_heads"]!.GetValue<int>(), decoder["num_attention_heads"]!.GetValue<int>());
        Assert.Equal(config["num_key_value_heads"]!.GetValue<int>(), decoder["num_key_value_heads"]!.GetValue<int>());
        // The fused layout pads heads to a multiple of 16 (GroupQueryAttention's kernels need it); GenAI is told the padded size.
        int headDim = config["head_dim"]!.GetValue<int>();
        Assert.Equal((headDim + 15) / 16 * 16, decoder["head_size"]!.GetValue<int>());
        Assert.Equal(config["hidden_size"]!.GetValue<int>(), decoder["hidden_size"]!.GetValue<int>());
        Assert.Equal(config["vocab_size"]!.GetValue<int>(), genai["vocab_size"]!.GetValue<int>());
        Assert.Equal(config["max_position_embeddings"]!.GetValue<int>(), genai["context_length"]!.GetValue<int>());
        foreach (var id in new[] { "eos_token_id", "bos_token_id", "pad_token_id" })
        {
            Assert.Equal(config[id]!.GetValue<int>(), genai[id]!.GetValue<int>());
            Assert.Equal(generation[id]!.GetValue<int>(), genai[id]!.GetValue<int>());
        }

        // Every name GenAI will bind exists in the graph, and the KV tensors have the heads and head size it is told.
        var onnx = Path.Combine(folder, decoder["filename"]!.GetValue<string>());
        using var session = new InferenceSession(onnx);
        var inputs = Names(decoder["inputs"]!.AsObject(), layers);
        var outputs = Names(decoder["outputs"]!.AsObject(), layers);
        Assert.Equal(session.InputMetadata.Keys.Order(StringComparer.Ordinal), inputs.Order(StringComparer.Ordinal));
        Assert.Equal(session.OutputMetadata.Keys.Order(StringComparer.Ordinal), outputs.Order(StringComparer.Ordinal));
        var pastKey = session.InputMetadata[Name(decoder["inputs"]!["past_key_names"]!, 0)].Dimensions;
        Assert.Equal(decoder["num_key_value_heads"]!.GetValue<int>(), pastKey[1]);
        Assert.Equal(decoder["head_size"]!.GetValue<int>(), pastKey[3]);
        Assert.Equal(genai["vocab_size"]!.GetValue<int>(), session.OutputMetadata[decoder["outputs"]!["logits"]!.GetValue<string>()].Dimensions[^1]);
        // The shipped generators are in the fused layout: a KV cache of fixed capacity that the attention
        // operator updates in place, so past and present share one buffer.
        Assert.Equal(genai["context_length"]!.GetValue<int>(), pastKey[2]);
        Assert.True(Read(folder, "genai_config.json")["search"]!["past_present_share_buffer"]!.GetValue<bool>(), "the fused graph updates its KV cache in place: past and present share a buffer");
    }

    private static JsonNode Read(string folder, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file)))!;

    /// <summary>The graph names of a genai_config inputs/outputs section, each per-layer pattern expanded.</summary>
    private static List<string> Names(JsonObject section, int layers) =>
        section.SelectMany(kv => kv.Value!.GetValue<string>().Contains("%d", StringComparison.Ordinal)
            ? Enumerable.Range(0, layers).Select(i => Name(kv.Value!, i))
            : [kv.Value!.GetValue<string>()]).ToList();

    private static string Name(JsonNode pattern, int layer) => pattern.GetValue<string>().Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
