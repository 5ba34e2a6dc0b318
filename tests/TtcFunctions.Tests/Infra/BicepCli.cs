using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.TestSupport;

namespace TtcFunctions.Tests.Infra;

/// <summary>
/// The Bicep CLI from NuGet (infra/tools/BicepCli.proj, restored by .ci/run), run on the files under infra/. Every
/// template is compiled once per test run, in one process (<c>bicep build --pattern</c>), beside the dev parameters
/// file; the tests share the result. A build runs the linter too (its warnings are the linter's rules, with links to
/// them), so a build with nothing on standard error is a clean build and a clean lint.
/// </summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";

    /// <summary>A dummy key for the dev parameters file, which reads TTC_FUNCTION_KEY from the environment.</summary>
    public const string DummyFunctionKey = "test-key-0123456789abcdef";

    private static readonly Lazy<Task<Compilation>> Compiled = new(CompileAsync);

    public static string InfraFolder => Path.Combine(SharedData.RepoRoot, "infra");

    public static string ExecutablePath
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        }
    }

    /// <summary>Every .bicep file under infra/ (tools' node_modules aside), relative to it, with '/' separators.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(InfraFolder, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(InfraFolder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("tools/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Skips the calling test when the CLI has not been restored.</summary>
    public static void SkipWhenMissing() =>
        Assert.SkipWhen(!File.Exists(ExecutablePath), $"Skipped: the Bicep CLI is not at {ExecutablePath}; run 'dotnet restore infra/tools/BicepCli.proj' (.ci/run does).");

    /// <summary>The templates and the dev parameters, compiled (once per test run).</summary>
    public static Task<Compilation> CompileAllAsync()
    {
        SkipWhenMissing();
        return Compiled.Value;
    }

    /// <summary>infra/main.bicep compiled to an ARM template (modules inlined as nested deployments).</summary>
    public static async Task<JsonObject> BuildMainAsync()
    {
        var compilation = await CompileAllAsync();
        Assert.True(compilation.Templates.ContainsKey("main.bicep"), compilation.Stderr);
        return compilation.Templates["main.bicep"].DeepClone().AsObject();
    }

    private static async Task<Compilation> CompileAsync()
    {
        var outdir = Directory.CreateTempSubdirectory("ttc-bicep-");
        try
        {
            // Both at once: each is mostly the CLI's start-up.
            var templates = RunAsync("build", "--pattern", "**/*.bicep", "--outdir", outdir.FullName);
            var parameters = RunAsync("build-params", "main.dev.bicepparam", "--stdout");
            var (code, _, stderr) = await templates;
            var built = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var file in BicepFiles())
            {
                var json = Path.Combine(outdir.FullName, Path.ChangeExtension(file, ".json"));
                if (File.Exists(json))
                {
                    built[file] = JsonNode.Parse(await File.ReadAllTextAsync(json))!.AsObject();
                }
            }

            return new Compilation(code, stderr, built, await parameters);
        }
        finally
        {
            outdir.Delete(recursive: true);
        }
    }

    /// <summary>Runs the CLI in infra/; returns its exit code, standard output and standard error.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = InfraFolder };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TTC_FUNCTION_KEY"] = DummyFunctionKey;
        using var process = Process.Start(psi)!;
        // Not the test's token: the compilation is shared, and one test's cancellation must not fail the others.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, stderr);
    }

    /// <summary>
    /// The result of compiling infra/: the templates' exit code and diagnostics (every file's, modules included), the
    /// ARM template of each .bicep file by its path under infra/, and the dev parameters' build.
    /// </summary>
    public sealed record Compilation(int ExitCode, string Stderr, IReadOnlyDictionary<string, JsonObject> Templates, (int ExitCode, string Stdout, string Stderr) Parameters);
}
