using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>
/// The README's "run it locally" commands, read from the README and run as written (Azurite on its
/// default ports, the service on 7071), so the documentation and the service cannot drift apart.
/// </summary>
[Collection(nameof(EnvironmentGroup))]
public partial class ReadmeServiceTests
{
    [GeneratedRegex(@"Run it locally against Azurite:\s*```bash\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex LocalBlock();

    /// <summary>The commands of the README's block, continuation lines joined, comments dropped.</summary>
    internal static List<string> Commands()
    {
        var readme = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "README.md"));
        var match = LocalBlock().Match(readme);
        Assert.True(match.Success, "README.md has no 'Run it locally against Azurite:' bash block");
        var commands = new List<string>();
        var current = string.Empty;
        foreach (var raw in match.Groups["block"].Value.Split('\n'))
        {
            var line = Regex.Replace(raw, @"\s+#.*$", string.Empty).TrimEnd();
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                commands.Add(current.Trim());
            }

            current = string.Empty;
        }

        return commands;
    }

    [Fact(Timeout = 600_000)]
    public async Task Readme_LocalServiceCommands_RunAsWritten_SolveCompletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var commands = Commands();
        Assert.Equal(4, commands.Count);
        Assert.SkipWhen(Listening(10000) || Listening(7071), "Skipped: ports 10000 or 7071 are taken on this machine, and the README's commands use them as written.");
        var background = new List<Process>();
        try
        {
            string? curlOutput = null;
            foreach (var command in commands)
            {
                if (command.EndsWith('&'))
                {
                    background.Add(Bash(command[..^1], drain: true));
                    await WaitForPortAsync(10000, TimeSpan.FromSeconds(60), ct);
                }
                else if (command.Contains("dotnet run", StringComparison.Ordinal))
                {
                    // In a terminal this one keeps running: here it runs beside the test until the port answers.
                    background.Add(Bash(command, drain: true));
                    await WaitForPortAsync(7071, TimeSpan.FromSeconds(240), ct);
                }
                else
                {
                    using var p = Bash(command);
                    var stdout = await p.StandardOutput.ReadToEndAsync(ct);
                    await p.WaitForExitAsync(ct);
                    Assert.True(p.ExitCode == 0, $"'{command}' failed ({p.ExitCode}): {await p.StandardError.ReadToEndAsync(ct)}");
                    curlOutput = command.StartsWith("curl", StringComparison.Ordinal) ? stdout : curlOutput;
                }
            }

            var started = JsonNode.Parse(curlOutput!)!;
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Add("x-functions-key", "secret");
            JsonObject status;
            var deadline = DateTime.UtcNow.AddSeconds(120);
            do
            {
                await Task.Delay(500, ct);
                status = (await http.GetFromJsonAsync<JsonObject>(started["statusQueryGetUri"]!.GetValue<string>(), ct))!;
            }
            while (status["runtimeStatus"]!.GetValue<string>() is "Pending" or "Running" && DateTime.UtcNow < deadline);

            Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
            Assert.Contains("\\boxed{", status["output"]!["completion"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(16, status["output"]!["completions"]!.AsArray().Count);
        }
        finally
        {
            foreach (var p in background)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(CancellationToken.None);
                p.Dispose();
            }
        }
    }

    private static Process Bash(string command, bool drain = false)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = SharedData.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi)!;
        if (drain)
        {
            // A process that runs on must not block on a full pipe.
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
        }

        return p;
    }

    private static async Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Listening(port))
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing listened on port {port} within {timeout}");
            await Task.Delay(200, ct);
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
