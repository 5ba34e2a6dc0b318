using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.TestSupport;

namespace TtcFunctions.Tests.Infra;

/// <summary>The Bicep CLI from NuGet (infra/tools/BicepCli.proj, restored by .ci/run), run on the files under infra/.</summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";

    /// <summary>A dummy key for the dev parameters file, which reads TTC_FUNCTION_KEY from the environment.</summary>
    public const string DummyFunctionKey = "test-key-0123456789abcdef";

    public static string InfraFolder => Path.Combine(SharedData.RepoRoot, "infra");

    public static string ExecutablePath
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        }
    }

    /// <summary>Skips the calling test when the CLI has not been restored.</summary>
    public static void SkipWhenMissing() =>
        Assert.SkipWhen(!File.Exists(ExecutablePath), $"Skipped: the Bicep CLI is not at {ExecutablePath}; run 'dotnet restore infra/tools/BicepCli.proj' (.ci/run does).");

    /// <summary>Runs the CLI; returns its exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = InfraFolder };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TTC_FUNCTION_KEY"] = DummyFunctionKey;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, stderr);
    }

    /// <summary>infra/main.bicep compiled to an ARM template (modules inlined as nested deployments).</summary>
    public static async Task<JsonObject> BuildMainAsync()
    {
        var (code, stdout, stderr) = await RunAsync("build", Path.Combine(InfraFolder, "main.bicep"), "--stdout");
        Assert.True(code == 0, stderr);
        return JsonNode.Parse(stdout)!.AsObject();
    }
}
