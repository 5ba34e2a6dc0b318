using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>
/// Our CPU kernel for com.microsoft.GroupQueryAttention (Native/ttc_attention.cc, built beside the app as
/// libttc_attention.so where g++ is installed). Registered under the operator's own domain and name, it takes
/// the place of ONNX Runtime's kernel in sessions on the CPU provider; the model file stays the one ONNX
/// Runtime GenAI loads. The built-in kernel runs two small matrix products per row and query head; ours
/// scores eight keys per reduction, fetches the values while it scores the keys, and the next row's keys and
/// values while it sums the values (Native/attention_math.h).
/// </summary>
public static class AttentionKernel
{
    /// <summary>The library's file name, beside the app.</summary>
    public const string FileName = "libttc_attention.so";

    /// <summary>What the kernel's refusals start with (an operator attribute or input it does not implement).</summary>
    internal const string RefusalPrefix = "ttc attention kernel:";

    private static readonly Lazy<nint> Handle = new(() => Path is { } p ? NativeLibrary.Load(p) : 0);

    /// <summary>The library's path, or null where it was not built (not Linux, or no g++ at build time).</summary>
    public static string? Path
    {
        get
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, FileName);
            return OperatingSystem.IsLinux() && File.Exists(path) ? path : null;
        }
    }

    /// <summary>Kernel calls completed in this process (0 when the library is absent): lets benchmarks check which kernel ran.</summary>
    public static long Calls => Count("TtcAttentionCalls");

    /// <summary>
    /// Kernel calls completed on the calling thread, where a session of one intra-op thread runs its
    /// kernels: lets tests check which kernel one session ran while others run beside it.
    /// </summary>
    public static long CallsOnThisThread => Count("TtcAttentionCallsOnThread");

    private static unsafe long Count(string export)
    {
        nint lib = Handle.Value;
        return lib == 0 ? 0 : ((delegate* unmanaged<long>)NativeLibrary.GetExport(lib, export))();
    }

    /// <summary>Whether sessions of <paramref name="options"/> get this kernel (before any model says otherwise).</summary>
    public static bool Applies(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AttentionKernel switch
        {
            "onnxruntime" => false,
            "ttc" => true,
            _ => Path is not null && ExecutionProviders.Resolve(options).Provider == "cpu",
        };
    }

    /// <summary>
    /// Whether <paramref name="onnxFile"/> has a GroupQueryAttention node: only then does a session get the
    /// kernel. Registering it makes com.microsoft a custom domain, and in a model that does not import that
    /// domain ONNX Runtime's own fusions into it (FusedMatMul) then fail to resolve.
    /// </summary>
    public static bool ModelUsesOperator(string onnxFile) => OnnxGraphText.Mentions(onnxFile, "GroupQueryAttention"u8);

    /// <summary>Adds the kernel to <paramref name="so"/>; the caller checked <see cref="Applies"/>.</summary>
    internal static void Register(SessionOptions so)
    {
        // Loaded once here too, so that Calls reads the same copy of the library that sessions run.
        _ = Handle.Value;
        so.RegisterCustomOpLibrary(Path ?? throw new InvalidOperationException($"{FileName} is not beside the app"));
    }
}
