using Ttc.Evaluation;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Inference.OpenAi;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Cli;

/// <summary>Resolves model names ("small", "large", "prm") to the shipped folders, or takes a folder path.</summary>
internal static class ModelCatalog
{
    /// <summary>The shipped models folder: $TTC_MODELS, else the nearest "models" folder above the working or program directory.</summary>
    public static string? ModelsRoot()
    {
        var env = Environment.GetEnvironmentVariable("TTC_MODELS");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(Path.Combine(candidate, "generator-small")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The folder for a generator name or path.</summary>
    public static string GeneratorFolder(string nameOrPath) => Resolve(nameOrPath, nameOrPath is "small" or "large" ? $"generator-{nameOrPath}" : null);

    /// <summary>The folder for a PRM name or path.</summary>
    public static string PrmFolder(string nameOrPath) => Resolve(nameOrPath, nameOrPath == "prm" ? "prm" : null);

    /// <summary>The shipped synthetic held-out set.</summary>
    public static string SyntheticTestSet() => Resolve("synthetic", "synthetic-test.jsonl");

    /// <summary>The shipped development split (for fitting, disjoint from the held-out set).</summary>
    public static string SyntheticDevSet() => Resolve("synthetic-dev", "synthetic-dev.jsonl");

    /// <summary>The shipped compute_optimal policy (fitted on the development split).</summary>
    public static string DefaultPolicy() => Resolve("policy", "policy.json");

    /// <summary>The file of a dataset name: "synthetic" (the held-out set), "synthetic-dev" (the development split) or a path.</summary>
    public static string DatasetPath(string nameOrPath) => nameOrPath switch
    {
        "synthetic" => SyntheticTestSet(),
        "synthetic-dev" => SyntheticDevSet(),
        _ => nameOrPath,
    };

    /// <summary>The problems of a dataset (<see cref="DatasetPath"/>).</summary>
    public static List<EvalProblem> ReadDataset(string nameOrPath, int? limit, Action<SkippedLine>? skipped = null)
    {
        using var reader = new StreamReader(DatasetPath(nameOrPath));
        return Dataset.Read(reader, limit, skipped);
    }

    private static string Resolve(string nameOrPath, string? shipped)
    {
        if (shipped is null)
        {
            return nameOrPath;
        }

        var root = ModelsRoot() ?? throw new ModelLoadException($"Cannot find the shipped models folder for '{nameOrPath}': run from the repository, or set TTC_MODELS.");
        return Path.Combine(root, shipped);
    }

    /// <summary>Default inference settings for the CLI: all cores, cache on.</summary>
    public static InferenceOptions Options(string provider) => new() { ExecutionProvider = provider };

    /// <summary>
    /// Opens a generator: a shipped name, a model folder, or the base address of an OpenAI-compatible
    /// server (http://host:port/v1: vLLM, llama.cpp server, our host) whose chat layout is given by
    /// TTC_CHAT_TEMPLATE (llama3, qwen2 or ttc; default ttc) and key by OPENAI_API_KEY.
    /// </summary>
    public static GeneratorHandle OpenGenerator(string nameOrPath, InferenceOptions options)
    {
        if (nameOrPath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || nameOrPath.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var templateName = Environment.GetEnvironmentVariable("TTC_CHAT_TEMPLATE") ?? "ttc";
            var kind = Enum.TryParse<ChatTemplateKind>(templateName, ignoreCase: true, out var k) ? k
                : throw new ModelLoadException($"TTC_CHAT_TEMPLATE must be llama3, qwen2 or ttc (got '{templateName}').");
            var remote = new OpenAiCompletionModel(new Uri(nameOrPath), Environment.GetEnvironmentVariable("TTC_MODEL_NAME") ?? "generator", new ChatTemplate(kind), Environment.GetEnvironmentVariable("OPENAI_API_KEY"));
            return new GeneratorHandle(new TemplatedStepGenerator(remote), null);
        }

        var onnx = OnnxStepGenerator.Open(GeneratorFolder(nameOrPath), options);
        return new GeneratorHandle(onnx, onnx);
    }

    /// <summary>Opens a PRM by name or path.</summary>
    public static OnnxProcessRewardModel OpenPrm(string nameOrPath, InferenceOptions options) => OnnxProcessRewardModel.Open(PrmFolder(nameOrPath), options);
}

/// <summary>An opened generator and, for the ONNX backend, its prefix cache counter.</summary>
internal sealed class GeneratorHandle(IStepGenerator generator, OnnxStepGenerator? onnx) : IDisposable
{
    /// <summary>The generator.</summary>
    public IStepGenerator Generator { get; } = generator;

    /// <summary>The ONNX generator behind it, if local.</summary>
    public OnnxStepGenerator? Onnx { get; } = onnx;

    /// <summary>Prompt tokens reused from the prefix cache (0 for remote servers).</summary>
    public long CachedPromptTokens => Onnx?.CachedPromptTokens ?? 0;

    /// <inheritdoc />
    public void Dispose() => Onnx?.Dispose();
}
