using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>Which ONNX Runtime execution provider a session gets, decided once per process.</summary>
public static class ExecutionProviders
{
    private static readonly Lazy<(string Provider, string? Reason)> Auto = new(() =>
    {
        using var so = new SessionOptions();
        try
        {
            AppendCuda(so, deviceId: 0);
            return ("cuda", null);
        }
        catch (ModelLoadException ex)
        {
            return ("cpu", ex.Message);
        }
    });

    /// <summary>
    /// The provider sessions of <paramref name="options"/> use: "cpu" or "cuda" as set; for "auto", CUDA when
    /// this build has it and the machine's CUDA libraries load, else the CPU, with the reason CUDA was not taken.
    /// </summary>
    public static (string Provider, string? Reason) Resolve(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ExecutionProvider == "auto" ? Auto.Value : (options.ExecutionProvider, null);
    }

    /// <summary>Adds CUDA to <paramref name="so"/>, or throws naming what is missing (the GPU build, or a CUDA library).</summary>
    internal static void AppendCuda(SessionOptions so, int deviceId)
    {
        try
        {
            so.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new ModelLoadException(
                "executionProvider 'cuda' is not available: either this is the CPU build (build with -p:OnnxRuntimeFlavor=gpu, "
                + "which references Microsoft.ML.OnnxRuntime.Gpu), or a CUDA 13 / cuDNN library is missing on this machine. "
                + $"ONNX Runtime said: {ex.Message}{MissingLibrary()}",
                ex);
        }
    }

    // ONNX Runtime's exception does not say which library failed; loading its CUDA provider ourselves does
    // ("libcublasLt.so.13: cannot open shared object file").
    private static string MissingLibrary()
    {
        var name = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        var path = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", OperatingSystem.IsWindows() ? "win-x64" : "linux-x64", "native") }
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return $" ({name} is not in this build)";
        }

        try
        {
            System.Runtime.InteropServices.NativeLibrary.Free(System.Runtime.InteropServices.NativeLibrary.Load(path));
            return string.Empty;
        }
        catch (DllNotFoundException load)
        {
            // The loader's own reason is the message's last line.
            var lines = load.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return $"; loading {name} failed: {lines[^1]}";
        }
    }
}
