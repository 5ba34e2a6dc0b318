namespace Ttc.TestSupport;

/// <summary>Locates ../shared/data (public benchmark files); tests that need it skip with a clear message when it is absent.</summary>
public static class SharedData
{
    /// <summary>The repository root (the folder holding TtcFunctions.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared data folder, or null when this machine does not have it.</summary>
    public static string? Folder
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("TTC_SHARED_DATA");
            var candidate = !string.IsNullOrEmpty(env) ? env : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>The path of <paramref name="relative"/> inside the shared data folder; skips the test when it is missing.</summary>
    public static string Require(string relative)
    {
        var folder = Folder;
        Assert.SkipWhen(folder is null, $"Skipped: the shared data folder (../shared/data beside the repository, or TTC_SHARED_DATA) is absent on this machine, so '{relative}' cannot be read.");
        var path = Path.Combine(folder!, relative);
        Assert.SkipWhen(!File.Exists(path) && !Directory.Exists(path), $"Skipped: '{relative}' is missing from the shared data folder {folder}.");
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TtcFunctions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find TtcFunctions.sln above " + AppContext.BaseDirectory);
    }
}
