using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>
/// A causal LM exported in the Optimum decoder layout (input_ids, attention_mask, position_ids,
/// past_key_values.{i}.key/value → logits, present.{i}.key/value), checked when opened.
/// </summary>
public sealed class DecoderModel : IDisposable
{
    private DecoderModel(ModelFolder folder, InferenceSession session, int layers, int kvHeads, int headDim, int vocabSize, bool positionIds)
    {
        Folder = folder;
        Session = session;
        Layers = layers;
        KvHeads = kvHeads;
        HeadDim = headDim;
        VocabSize = vocabSize;
        UsesPositionIds = positionIds;
        PastNames = Enumerable.Range(0, layers).SelectMany(i => new[] { $"past_key_values.{i}.key", $"past_key_values.{i}.value" }).ToArray();
        PresentNames = Enumerable.Range(0, layers).SelectMany(i => new[] { $"present.{i}.key", $"present.{i}.value" }).ToArray();
        MaxPositions = folder.MaxPositions;
        AttentionHeads = System.Math.Max(kvHeads, folder.ConfigInt("num_attention_heads", kvHeads));
    }

    /// <summary>The model folder (tokenizer, template, config).</summary>
    public ModelFolder Folder { get; }

    /// <summary>The ONNX Runtime session.</summary>
    public InferenceSession Session { get; }

    /// <summary>Transformer layers.</summary>
    public int Layers { get; }

    /// <summary>Key/value heads per layer.</summary>
    public int KvHeads { get; }

    /// <summary>Query heads per layer (at least <see cref="KvHeads"/>), for sizing attention.</summary>
    public int AttentionHeads { get; }

    /// <summary>Size of one head.</summary>
    public int HeadDim { get; }

    /// <summary>Width of the logits.</summary>
    public int VocabSize { get; }

    /// <summary>Whether the graph takes position_ids (Optimum exports of Llama and Qwen do).</summary>
    public bool UsesPositionIds { get; }

    /// <summary>Longest sequence the model supports.</summary>
    public int MaxPositions { get; }

    /// <summary>Names of the past inputs, key then value per layer.</summary>
    public IReadOnlyList<string> PastNames { get; }

    /// <summary>Names of the present outputs, in the same order.</summary>
    public IReadOnlyList<string> PresentNames { get; }

    /// <summary>Opens and checks a generator folder.</summary>
    /// <exception cref="ModelLoadException">A file is missing, or the graph is not a decoder with a KV cache, or the vocabularies disagree.</exception>
    public static DecoderModel Open(string folderPath, InferenceOptions options)
    {
        var folder = ModelFolder.Open(folderPath);
        var session = OnnxSessionFactory.Create(folder.OnnxFile, options);
        try
        {
            var inputs = session.InputMetadata;
            var outputs = session.OutputMetadata;
            foreach (var name in new[] { "input_ids", "attention_mask" })
            {
                if (!inputs.ContainsKey(name))
                {
                    throw new ModelLoadException($"ONNX file '{folder.OnnxFile}' has no input '{name}' (inputs: {string.Join(", ", inputs.Keys)}); a decoder in the Optimum layout is expected.");
                }
            }

            int layers = inputs.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal) && k.EndsWith(".key", StringComparison.Ordinal));
            if (layers == 0 || !outputs.ContainsKey("logits") || !outputs.ContainsKey("present.0.key"))
            {
                throw new ModelLoadException($"ONNX file '{folder.OnnxFile}' is not a decoder with a KV cache: it needs past_key_values.{{i}}.key/value inputs and logits, present.{{i}}.key/value outputs (inputs: {string.Join(", ", inputs.Keys)}).");
            }

            var kv = inputs["past_key_values.0.key"].Dimensions;
            int kvHeads = kv.Length == 4 && kv[1] > 0 ? kv[1] : folder.ConfigInt("num_key_value_heads", folder.ConfigInt("num_attention_heads", 0));
            int headDim = kv.Length == 4 && kv[3] > 0 ? kv[3] : folder.ConfigInt("head_dim", folder.ConfigInt("hidden_size", 0) / System.Math.Max(1, folder.ConfigInt("num_attention_heads", 1)));
            var logitsDims = outputs["logits"].Dimensions;
            int vocab = logitsDims.Length == 3 && logitsDims[2] > 0 ? logitsDims[2] : folder.ConfigInt("vocab_size", folder.Tokenizer.VocabSize);
            int configVocab = folder.ConfigInt("vocab_size", vocab);
            if (configVocab != vocab || folder.Tokenizer.VocabSize > vocab)
            {
                throw new ModelLoadException($"Vocabulary size mismatch in '{folder.Path}': config.json vocab_size {configVocab}, ONNX logits width {vocab}, tokenizer.json {folder.Tokenizer.VocabSize} tokens.");
            }

            return new DecoderModel(folder, session, layers, kvHeads, headDim, vocab, inputs.ContainsKey("position_ids"));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();
}
