using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>
/// A causal LM with a KV cache, checked when opened, in either of two layouts (see <see cref="KvLayout"/>):
/// the Optimum decoder layout (input_ids, attention_mask, position_ids, past_key_values.{i}.key/value →
/// logits, present.{i}.key/value) or the fused layout of ONNX Runtime GenAI's model builder.
/// </summary>
public sealed class DecoderModel : IDisposable
{
    private readonly Lazy<long> _weightBytes;

    private DecoderModel(ModelFolder folder, InferenceSession session, int layers, int kvHeads, int headDim, int vocabSize, bool positionIds, int capacity)
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
        Layout = capacity > 0 ? KvLayout.Fused : KvLayout.Optimum;
        KvCapacity = capacity;
        MaxPositions = capacity > 0 ? System.Math.Min(folder.MaxPositions, capacity) : folder.MaxPositions;
        AttentionHeads = System.Math.Max(kvHeads, folder.ConfigInt("num_attention_heads", kvHeads));
        _weightBytes = new(() =>
        {
            var onnx = new FileInfo(folder.OnnxFile);
            return onnx.Directory!.EnumerateFiles(onnx.Name + "*").Sum(f => f.Length);
        });
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

    /// <summary>How the graph holds its KV cache.</summary>
    public KvLayout Layout { get; }

    /// <summary>Positions of the fixed-capacity cache of the fused layout (0 for the Optimum layout).</summary>
    public int KvCapacity { get; }

    /// <summary>Longest sequence the model supports.</summary>
    public int MaxPositions { get; }

    /// <summary>Bytes one token adds to a row's KV cache (a key and a value per layer, in float32).</summary>
    public long KvBytesPerToken => 2L * Layers * KvHeads * HeadDim * sizeof(float);

    /// <summary>Bytes of the ONNX file and of its external data files (named after it, as model.onnx.data): about the weights.</summary>
    public long WeightBytes => _weightBytes.Value;

    /// <summary>Names of the past inputs, key then value per layer.</summary>
    public IReadOnlyList<string> PastNames { get; }

    /// <summary>Names of the present outputs, in the same order.</summary>
    public IReadOnlyList<string> PresentNames { get; }

    /// <summary>Opens and checks a generator folder.</summary>
    /// <exception cref="ModelLoadException">A file is missing, or the graph is not a decoder with a KV cache, or not in float32 with int64 ids, or the vocabularies disagree.</exception>
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

            TensorTypes.Require(session, folder.OnnxFile);
            var (kvHeads, headDim) = folder.KvShape(inputs["past_key_values.0.key"].Dimensions);
            int capacity = FusedCapacity(folder, inputs, outputs, options);
            var logitsDims = outputs["logits"].Dimensions;
            int vocab = logitsDims.Length == 3 && logitsDims[2] > 0 ? logitsDims[2] : folder.ConfigInt("vocab_size", folder.Tokenizer.VocabSize);
            int configVocab = folder.ConfigInt("vocab_size", vocab);
            if (configVocab != vocab || folder.Tokenizer.VocabSize > vocab)
            {
                throw new ModelLoadException($"Vocabulary size mismatch in '{folder.Path}': config.json vocab_size {configVocab}, ONNX logits width {vocab}, tokenizer.json {folder.Tokenizer.VocabSize} tokens.");
            }

            return new DecoderModel(folder, session, layers, kvHeads, headDim, vocab, inputs.ContainsKey("position_ids"), capacity);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Open capacities default to the model's positions, at most this many (4096 positions of a 1B model's cache: 128 MiB a row).</summary>
    private const int DefaultOpenCapacity = 4096;

    /// <summary>
    /// The fused layout's cache capacity, or 0 for the Optimum layout. The graph says which: ONNX Runtime
    /// does not expose its nodes, but the layouts differ in their inputs. Optimum's past grows, so its
    /// sequence dimension is symbolic, and it takes position_ids; the fused layout's past is the cache
    /// itself, and its positions come from the attention mask inside the graph. Its capacity is fixed in our
    /// exports; GenAI's model builder leaves it open (symbolic, as Optimum's), so a graph with a symbolic
    /// past, no position_ids and a GroupQueryAttention node is fused too, with the capacity the options give.
    /// </summary>
    private static int FusedCapacity(ModelFolder folder, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs, InferenceOptions options)
    {
        var past = inputs["past_key_values.0.key"].Dimensions;
        bool positions = inputs.ContainsKey("position_ids");
        if (past.Length != 4)
        {
            return 0;
        }

        if (past[2] <= 0)
        {
            if (positions || !AttentionKernel.ModelUsesOperator(folder.OnnxFile))
            {
                return 0;
            }

            int wanted = options.KvCapacity > 0 ? options.KvCapacity : DefaultOpenCapacity;
            return System.Math.Min(wanted, folder.MaxPositions);
        }

        var present = outputs["present.0.key"].Dimensions;
        if (positions || present.Length != 4 || present[2] != past[2])
        {
            throw new ModelLoadException($"ONNX file '{folder.OnnxFile}' has a fixed-capacity past ({past[2]} positions) but is not in the fused layout: that needs no position_ids input and present.{{i}} of the same capacity (present.0.key has [{string.Join(", ", present)}]).");
        }

        return past[2];
    }

    /// <inheritdoc />
    public void Dispose() => Session.Dispose();
}

/// <summary>How a decoder graph holds its KV cache.</summary>
public enum KvLayout
{
    /// <summary>
    /// Hugging Face Optimum: the past grows by concatenation inside the graph each call; rows are left padded
    /// and take position_ids.
    /// </summary>
    Optimum,

    /// <summary>
    /// ONNX Runtime GenAI's model builder: attention as com.microsoft.GroupQueryAttention, the cache of fixed
    /// capacity updated in place (past and present bound to one buffer), rows right padded, positions
    /// derived from the attention mask.
    /// </summary>
    Fused,
}
