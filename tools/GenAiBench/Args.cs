namespace GenAiBench;

/// <summary>The harness's command line: --name value pairs and bare --flags.</summary>
internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i][2..]] = hasValue ? args[++i] : "true";
        }

        return options;
    }

    /// <summary>small and large are the shipped generators (models/ found above the working directory); anything else is a folder.</summary>
    public static string ModelFolder(string name)
    {
        if (name is not ("small" or "large"))
        {
            return Path.GetFullPath(name);
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", $"generator-{name}");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"models/generator-{name} not found above {Directory.GetCurrentDirectory()}: run from the repository or give a folder");
    }
}
