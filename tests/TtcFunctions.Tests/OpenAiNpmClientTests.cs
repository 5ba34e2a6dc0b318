using System.Diagnostics;
using System.Text.Json.Nodes;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

/// <summary>
/// The real npm <c>openai</c> client (v6, installed by .ci/run from tests/npm/package.json) against the
/// running host: tests/npm/openai-client.mjs makes the calls and prints what the client saw.
/// </summary>
[Collection(nameof(HostGroup))]
public class OpenAiNpmClientTests(HostFixture host)
{
    [Fact(Timeout = 180_000)]
    public async Task OpenAiNpmClient_CompletionsStreamingErrorsAndModels_WorkAsOpenAiClientsExpect()
    {
        var o = await RunClientAsync(TestContext.Current.CancellationToken);

        // Non-streaming, and the stream's chunks assembled into the same text at temperature 0.
        var text = o["whole"]!["text"]!.GetValue<string>();
        Assert.Contains("## Step 1", text, StringComparison.Ordinal);
        Assert.Equal(text, o["stream"]!["text"]!.GetValue<string>());
        Assert.True(o["stream"]!["chunks"]!.GetValue<int>() > 10, $"{o["stream"]!["chunks"]} chunks: the text should arrive in pieces");
        Assert.Equal(o["whole"]!["finish"]!.GetValue<string>(), o["stream"]!["finish"]!.GetValue<string>());
        Assert.Equal(o["whole"]!["usage"]!.ToJsonString(), o["stream"]!["usage"]!.ToJsonString());

        // Errors surface as the client's APIError with status, message, code and param.
        var unknown = o["unknownModel"]!;
        Assert.True(unknown["apiError"]!.GetValue<bool>());
        Assert.Equal(404, unknown["status"]!.GetValue<int>());
        Assert.Equal("model_not_found", unknown["code"]!.GetValue<string>());
        Assert.Contains("'gpt-4o-mini' does not exist", unknown["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var unsupported = o["unsupported"]!;
        Assert.Equal(400, unsupported["status"]!.GetValue<int>());
        Assert.Equal("logprobs", unsupported["param"]!.GetValue<string>());
        Assert.Contains("logprobs: is not supported", unsupported["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("context_length_exceeded", o["tooLong"]!["code"]!.GetValue<string>());
        Assert.Equal(404, o["streamError"]!["status"]!.GetValue<int>());

        Assert.Equal(["generator-small"], o["models"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    private async Task<JsonObject> RunClientAsync(CancellationToken ct)
    {
        var npm = Path.Combine(SharedData.RepoRoot, "tests", "npm");
        var package = Path.Combine(npm, "node_modules", "openai", "package.json");
        Assert.SkipWhen(!File.Exists(package), $"Skipped: {package} is absent; run 'npm install --no-package-lock' in tests/npm (.ci/run does).");
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(npm, "openai-client.mjs"), new Uri(host.BaseAddress, "v1").ToString(), HostFixture.Key, "generator-small" },
            WorkingDirectory = npm,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Skip($"Skipped: node is not available ({ex.Message}).");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await stderr}");
            return JsonNode.Parse(await stdout)!.AsObject();
        }
    }
}
