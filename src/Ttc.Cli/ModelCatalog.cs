using Ttc.Inference;
using Ttc.Inference.Onnx;

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

    /// <summary>Opens a generator by name or path.</summary>
    public static OnnxStepGenerator OpenGenerator(string nameOrPath, InferenceOptions options) => OnnxStepGenerator.Open(GeneratorFolder(nameOrPath), options);

    /// <summary>Opens a PRM by name or path.</summary>
    public static OnnxProcessRewardModel OpenPrm(string nameOrPath, InferenceOptions options) => OnnxProcessRewardModel.Open(PrmFolder(nameOrPath), options);
}
