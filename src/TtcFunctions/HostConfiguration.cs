namespace TtcFunctions;

/// <summary>
/// Where both hosts read their settings: host.json (the Functions key names, ours under "ttc"), then
/// AzureFunctionsJobHost__ environment variables, then the command line, each overriding the one before.
/// </summary>
public static class HostConfiguration
{
    /// <summary>Environment variables with this prefix override host.json values, as in Azure Functions.</summary>
    public const string HostJsonOverridePrefix = "AzureFunctionsJobHost__";

    /// <summary>
    /// The function key setting: the self-host requires it on every call but /api/health when set, and workers send it
    /// to a remote inference endpoint. (Under the Functions host, clients use the host's own keys.)
    /// </summary>
    public const string FunctionKeySetting = "TTC_FUNCTION_KEY";

    /// <summary>Adds the sources to <paramref name="configuration"/>; returns the folder model paths are relative to.</summary>
    public static string AddSources(IConfigurationBuilder configuration, IConfiguration current, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(current);
        var hostJson = current["hostJson"] ?? FindHostJson();
        if (hostJson is not null)
        {
            configuration.AddJsonFile(Path.GetFullPath(hostJson), optional: false, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables(HostJsonOverridePrefix);
        // The command line beats host.json and its environment overrides, as it does everywhere else.
        configuration.AddCommandLine(args);
        return hostJson is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(hostJson))!;
    }

    /// <summary>The nearest host.json above the working or program directory.</summary>
    private static string? FindHostJson()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "host.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
