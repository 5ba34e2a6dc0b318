using Ttc.Inference;

namespace Ttc.Cli.Commands;

/// <summary>
/// Forward-pass FLOPs of the Llama-style generator from its config.json, for achieved GFLOP/s.
/// One token attending to c positions (itself included) costs
///   2 * P_matmul + 4 * L * H * d * c  FLOPs,
/// where P_matmul = L * (h*H*d [q] + 2*h*KV*d [k, v] + H*d*h [o] + 3*h*I [gate, up, down]) + V*h [LM head]:
/// every weight of a matrix product is one multiply-add (2 FLOPs) per token, and per layer the scores
/// (q.k) and the weighted values each take H*d multiply-adds per attended position. The embedding lookup,
/// norms, RoPE and softmax are O(h) per token and left out.
/// </summary>
internal sealed class DecoderFlops
{
    private DecoderFlops(double parameters, double matmulParameters, double attentionPerPosition)
    {
        Parameters = parameters;
        MatmulParameters = matmulParameters;
        AttentionPerPosition = attentionPerPosition;
    }

    /// <summary>All parameters (matrices, embeddings, norms).</summary>
    public double Parameters { get; }

    /// <summary>Parameters used as matrix-product weights per token (the input embedding is a lookup).</summary>
    public double MatmulParameters { get; }

    /// <summary>4 * L * H * d: attention FLOPs per token per attended position.</summary>
    public double AttentionPerPosition { get; }

    /// <summary>The formula in words, written into the JSON output.</summary>
    public const string Formula = "FLOPs per token at context c = 2 * P_matmul + 4 * layers * heads * head_dim * c; P_matmul = layers * (h*heads*d + 2*h*kv_heads*d + heads*d*h + 3*h*intermediate) + vocab*h";

    /// <summary>Reads the generator's config.json.</summary>
    public static DecoderFlops Open(string folder)
    {
        var m = ModelFolder.Open(folder);
        double h = m.ConfigInt("hidden_size", 0), layers = m.ConfigInt("num_hidden_layers", 0), inter = m.ConfigInt("intermediate_size", 0);
        double heads = m.ConfigInt("num_attention_heads", 1), kv = m.ConfigInt("num_key_value_heads", (int)heads), vocab = m.ConfigInt("vocab_size", 0);
        double hd = m.ConfigInt("head_dim", (int)(h / heads));
        double matmulPerLayer = (h * heads * hd * 2) + (h * kv * hd * 2) + (3 * h * inter);
        double matmul = (layers * matmulPerLayer) + (vocab * h);
        double all = (layers * (matmulPerLayer + (2 * h))) + (2 * vocab * h) + h;
        return new DecoderFlops(all, matmul, 4 * layers * heads * hd);
    }

    /// <summary>FLOPs of one token attending to <paramref name="context"/> positions.</summary>
    public double PerToken(double context) => (2 * MatmulParameters) + (AttentionPerPosition * context);

    /// <summary>
    /// FLOPs of prefilling rows of <paramref name="prompt"/> tokens (mean context (p + 1) / 2) and of decoding
    /// <paramref name="generated"/> tokens after them (mean context p + g / 2), per row.
    /// </summary>
    public (double Prefill, double Decode) PerRow(double prompt, double generated) =>
        (prompt * PerToken((prompt + 1) / 2), generated * PerToken(prompt + (generated / 2)));
}
