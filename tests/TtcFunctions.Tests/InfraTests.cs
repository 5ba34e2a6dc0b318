using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

public class InfraTests
{
    [Fact(Timeout = 120_000)]
    public async Task MainBicep_Compiles_WithStorageAndBothApps()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.SkipWhen(!File.Exists(bicep), $"Skipped: the Bicep CLI is not at {bicep}; run 'dotnet restore infra/tools/BicepCli.proj' (.ci/run does).");
        var psi = new ProcessStartInfo(bicep) { ArgumentList = { "build", Path.Combine(SharedData.RepoRoot, "infra", "main.bicep"), "--stdout" }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, stderr);
        Assert.DoesNotContain("Warning", stderr, StringComparison.Ordinal);
        var template = JsonNode.Parse(await stdout)!;
        var types = template["resources"]!.AsArray().Select(r => r!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("Microsoft.Storage/storageAccounts", types);
        Assert.Contains("Microsoft.Web/serverfarms", types);
        Assert.Equal(2, types.Count(t => t == "Microsoft.Web/sites"));
    }
}
