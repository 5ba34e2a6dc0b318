using System.Text.Json.Nodes;

namespace Ttc.Evaluation;

/// <summary>
/// Parameter counts for FLOP estimates: a forward pass costs about 2 x parameters FLOPs per token
/// (Kaplan et al. 2020), so a line's FLOPs are 2 x generator parameters x generated tokens plus
/// 2 x PRM parameters x tokens the PRM read. Attention's share is left out, as in that estimate.
/// </summary>
/// <param name="GeneratorParameters">The generator's parameters (0 when unknown: a remote server).</param>
/// <param name="PrmParameters">The PRM's parameters (0 when unknown or not used).</param>
public sealed record EvalCosts(long GeneratorParameters, long PrmParameters)
{
    /// <summary>No parameter counts known: FLOPs are 0.</summary>
    public static EvalCosts Unknown { get; } = new(0, 0);

    /// <summary>Estimated FLOPs of <paramref name="generatedTokens"/> and <paramref name="prmTokens"/>.</summary>
    public double Flops(long generatedTokens, long prmTokens) => (2.0 * GeneratorParameters * generatedTokens) + (2.0 * PrmParameters * prmTokens);

    /// <summary>
    /// Parameters of a Llama- or Qwen-shaped decoder from its Hugging Face config.json: embeddings, the LM
    /// head unless tied, and per layer the attention projections (grouped KV heads), the SwiGLU MLP and
    /// two norms. A task head on top (a PRM's) is a few hundred parameters and is not counted.
    /// </summary>
    /// <exception cref="ArgumentException">A field the count needs is missing.</exception>
    public static long ParametersFromConfig(string configJson)
    {
        var c = JsonNode.Parse(configJson)?.AsObject() ?? throw new ArgumentException("config.json must be a JSON object", nameof(configJson));
        long Get(string name) => c[name]?.GetValue<long>() ?? throw new ArgumentException($"config.json has no '{name}'", nameof(configJson));
        long vocab = Get("vocab_size"), hidden = Get("hidden_size"), inter = Get("intermediate_size"), layers = Get("num_hidden_layers");
        long heads = Get("num_attention_heads");
        long kv = c["num_key_value_heads"]?.GetValue<long>() ?? heads;
        long headDim = c["head_dim"]?.GetValue<long>() ?? hidden / heads;
        bool tied = c["tie_word_embeddings"]?.GetValue<bool>() ?? false;
        long attention = (2 * hidden * heads * headDim) + (2 * hidden * kv * headDim);
        long perLayer = attention + (3 * hidden * inter) + (2 * hidden);
        return (vocab * hidden * (tied ? 1 : 2)) + (layers * perLayer) + hidden;
    }

    /// <summary>Parameters of the model in <paramref name="folder"/> (0 when it has no config.json).</summary>
    public static long ParametersOfFolder(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        return File.Exists(path) ? ParametersFromConfig(File.ReadAllText(path)) : 0;
    }
}
