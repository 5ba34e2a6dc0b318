using System.Text.Json;
using Ttc.Inference.Tokenization;

namespace Ttc.Inference;

/// <summary>
/// A model folder in the Hugging Face / Optimum layout: <c>model.onnx</c> (or <c>onnx/model.onnx</c>),
/// <c>config.json</c>, <c>tokenizer.json</c> and <c>tokenizer_config.json</c>.
/// </summary>
public sealed class ModelFolder
{
    private ModelFolder(string path, string onnxFile, JsonElement config, HfTokenizer tokenizer, ChatTemplate template, IReadOnlyList<int> eosIds)
    {
        Path = path;
        OnnxFile = onnxFile;
        Config = config;
        Tokenizer = tokenizer;
        Template = template;
        EosTokenIds = eosIds;
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The ONNX graph.</summary>
    public string OnnxFile { get; }

    /// <summary>config.json.</summary>
    public JsonElement Config { get; }

    /// <summary>The tokenizer.</summary>
    public HfTokenizer Tokenizer { get; }

    /// <summary>The chat layout.</summary>
    public ChatTemplate Template { get; }

    /// <summary>Token ids that end a sequence.</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Longest sequence the model supports (config.json's max_position_embeddings; unbounded when absent).</summary>
    public int MaxPositions => ConfigInt("max_position_embeddings", int.MaxValue);

    /// <summary>
    /// KV heads and head size of a past_key_values input of dimensions [batch, kvHeads, sequence, headDim],
    /// from config.json where the graph leaves them symbolic.
    /// </summary>
    internal (int KvHeads, int HeadDim) KvShape(int[] dims) => (
        dims.Length == 4 && dims[1] > 0 ? dims[1] : ConfigInt("num_key_value_heads", ConfigInt("num_attention_heads", 0)),
        dims.Length == 4 && dims[3] > 0 ? dims[3] : ConfigInt("head_dim", ConfigInt("hidden_size", 0) / System.Math.Max(1, ConfigInt("num_attention_heads", 1))));

    /// <summary>An integer field of config.json, or the fallback.</summary>
    public int ConfigInt(string name, int fallback) =>
        Config.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    /// <summary>Opens and checks a model folder.</summary>
    /// <exception cref="ModelLoadException">A file is missing or unreadable; the message names it.</exception>
    public static ModelFolder Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path))
        {
            throw new ModelLoadException($"Model folder '{path}' does not exist.");
        }

        var onnx = new[] { "model.onnx", System.IO.Path.Combine("onnx", "model.onnx"), "decoder_model_merged.onnx" }
            .Select(f => System.IO.Path.Combine(path, f)).FirstOrDefault(File.Exists)
            ?? throw new ModelLoadException($"Model folder '{path}' has no model.onnx (nor onnx/model.onnx).");
        var config = ReadJson(System.IO.Path.Combine(path, "config.json"));
        var tokenizer = HfTokenizer.Load(System.IO.Path.Combine(path, "tokenizer.json"));
        var tokenizerConfigFile = System.IO.Path.Combine(path, "tokenizer_config.json");
        var tokenizerConfig = File.Exists(tokenizerConfigFile) ? ReadJson(tokenizerConfigFile) : default;
        string? chatTemplate = tokenizerConfig.ValueKind == JsonValueKind.Object && tokenizerConfig.TryGetProperty("chat_template", out var ct) && ct.ValueKind == JsonValueKind.String ? ct.GetString() : null;
        var template = ChatTemplate.Detect(chatTemplate, tokenizer.AddedTokens);
        return new ModelFolder(path, onnx, config, tokenizer, template, EosIds(config, tokenizerConfig, tokenizer));
    }

    private static List<int> EosIds(JsonElement config, JsonElement tokenizerConfig, HfTokenizer tokenizer)
    {
        var ids = new List<int>();
        if (config.TryGetProperty("eos_token_id", out var e))
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                ids.AddRange(e.EnumerateArray().Select(x => x.GetInt32()));
            }
            else if (e.ValueKind == JsonValueKind.Number)
            {
                ids.Add(e.GetInt32());
            }
        }

        if (tokenizerConfig.ValueKind == JsonValueKind.Object && tokenizerConfig.TryGetProperty("eos_token", out var t) && t.ValueKind == JsonValueKind.String
            && tokenizer.TokenToId(t.GetString()!) is { } id)
        {
            ids.Add(id);
        }

        // Chat models end a turn with their end-of-turn token, not always with eos.
        foreach (var turnEnd in new[] { "<|eot_id|>", "<|im_end|>", "<|end|>" })
        {
            if (tokenizer.AddedTokens.TryGetValue(turnEnd, out int tid))
            {
                ids.Add(tid);
            }
        }

        return ids.Distinct().ToList();
    }

    private static JsonElement ReadJson(string file)
    {
        if (!File.Exists(file))
        {
            throw new ModelLoadException($"Model file '{file}' does not exist.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"Model file '{file}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
