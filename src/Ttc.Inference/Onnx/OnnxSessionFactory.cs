using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>Creates ONNX Runtime sessions with the configured execution provider and threads.</summary>
public static class OnnxSessionFactory
{
    /// <summary>Opens <paramref name="onnxFile"/>.</summary>
    /// <exception cref="ModelLoadException">The file is missing or invalid, or the execution provider is not available.</exception>
    public static InferenceSession Create(string onnxFile, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        if (!File.Exists(onnxFile))
        {
            throw new ModelLoadException($"ONNX file '{onnxFile}' does not exist.");
        }

        if (!AttentionKernel.Applies(options) || !AttentionKernel.ModelUsesOperator(onnxFile))
        {
            return Create(onnxFile, options, attentionKernel: false);
        }

        try
        {
            return Create(onnxFile, options, attentionKernel: true);
        }
        catch (ModelLoadException ex) when (options.AttentionKernel == "auto" && ex.Message.Contains(AttentionKernel.RefusalPrefix, StringComparison.Ordinal))
        {
            // The model's attention uses something our kernel does not implement: ONNX Runtime's runs it.
            return Create(onnxFile, options, attentionKernel: false);
        }
    }

    private static InferenceSession Create(string onnxFile, InferenceOptions options, bool attentionKernel)
    {
        // No memory pattern: it plans one block per input shape, and a decode step's shape changes every
        // token, so the arena kept blocks of every size (peak of an n = 64 beam search 683-702 -> 595 MiB).
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, EnableMemoryPattern = false };
        try
        {
            if (options.ResolvedIntraOpThreads > 0)
            {
                so.IntraOpNumThreads = options.ResolvedIntraOpThreads;
            }

            if (options.ProfilePrefix is { Length: > 0 } prefix)
            {
                so.EnableProfiling = true;
                so.ProfileOutputPathPrefix = prefix;
            }

            if (options.InterOpThreads > 0)
            {
                so.InterOpNumThreads = options.InterOpThreads;
            }

            if (ExecutionProviders.Resolve(options).Provider == "cuda")
            {
                ExecutionProviders.AppendCuda(so, options.DeviceId);
            }

            if (attentionKernel)
            {
                AttentionKernel.Register(so);
            }

            return new InferenceSession(onnxFile, so);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"ONNX file '{onnxFile}' could not be loaded: {ex.Message}", ex);
        }
        finally
        {
            so.Dispose();
        }
    }
}
