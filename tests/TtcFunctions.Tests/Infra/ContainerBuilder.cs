using System.Diagnostics;

namespace TtcFunctions.Tests.Infra;

/// <summary>
/// A container builder on this machine, if there is one that works: docker or podman whose engine answers
/// (<c>info</c>), or buildah. A Docker client without a daemon is not one; <see cref="Find"/> says why none is.
/// </summary>
internal static class ContainerBuilder
{
    /// <summary>The builder's program and its build verb, or null with the reason each candidate was not usable.</summary>
    public static async Task<(string? Program, string[] Build, string Reason)> Find()
    {
        var reasons = new List<string>();
        foreach (var program in new[] { "docker", "podman", "buildah" })
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                reasons.Add($"{program} is not installed");
                continue;
            }

            if (program == "buildah")
            {
                return (path, ["bud"], string.Empty);
            }

            var (code, output) = await RunAsync(path, TimeSpan.FromSeconds(30), "info");
            if (code == 0)
            {
                return (path, ["build"], string.Empty);
            }

            reasons.Add($"{program} is a client whose engine does not answer ({output.Trim().Split('\n')[^1].Trim()})");
        }

        return (null, [], string.Join("; ", reasons));
    }

    /// <summary>Runs a program; returns its exit code and its standard output and error together (-1 when it ran past the limit).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, TimeSpan limit, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Ttc.TestSupport.SharedData.RepoRoot };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} ran past {limit}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
