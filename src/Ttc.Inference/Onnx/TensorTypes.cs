using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The element types the decode and scoring loops feed and read: token ids and masks as int64, KV caches,
/// states and logits as float32. A graph that declares another type fails at load naming the tensor,
/// rather than in ONNX Runtime's first call, mid-request.
/// </summary>
internal static class TensorTypes
{
    /// <summary>Checks the ids, mask and positions inputs (int64) and every KV, state and logits tensor (float32) that <paramref name="session"/> has.</summary>
    /// <exception cref="ModelLoadException">One of them has another element type.</exception>
    public static void Require(InferenceSession session, string onnxFile)
    {
        foreach (var (name, meta) in session.InputMetadata.Concat(session.OutputMetadata))
        {
            if (Expected(name) is { } expected && meta.IsTensor && meta.ElementDataType != expected)
            {
                throw new ModelLoadException($"ONNX file '{onnxFile}' declares '{name}' as {Describe(meta.ElementDataType)}, but it is fed and read as {Describe(expected)}{Hint(meta.ElementDataType)}.");
            }
        }
    }

    private static TensorElementType? Expected(string name) => name switch
    {
        "input_ids" or "attention_mask" or "position_ids" => TensorElementType.Int64,
        "logits" or IncrementalPrmScorer.StateInput or IncrementalPrmScorer.StatesOutput => TensorElementType.Float,
        _ when name.StartsWith("past_key_values.", StringComparison.Ordinal) || name.StartsWith("present.", StringComparison.Ordinal) => TensorElementType.Float,
        _ => null,
    };

    private static string Describe(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string Hint(TensorElementType actual) => actual switch
    {
        TensorElementType.Float16 or TensorElementType.BFloat16 =>
            " (half-precision models are not supported: export the model in float32, e.g. ONNX Runtime GenAI's model builder with -p fp32, or Optimum's default)",
        TensorElementType.Int32 => " (export the model with int64 token ids and masks)",
        _ => string.Empty,
    };
}
