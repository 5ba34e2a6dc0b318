using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Ttc.Orchestrations;
using Ttc.TestSupport;
using TtcFunctions.Apis;
using TtcFunctions.SelfHost;

namespace TtcFunctions.Tests;

/// <summary>
/// The Functions app is built with the project (its SDK writes functions.metadata); the host cannot
/// run here, so this checks that every function it would run is the one the self-host runs under the same name.
/// </summary>
public class FunctionsMetadataTests
{
    private static Dictionary<string, JsonElement> Triggers()
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(HostApp).Assembly.Location)!, "functions.metadata");
        Assert.True(File.Exists(path), $"the Functions SDK wrote no {path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).Clone());
    }

    [Fact]
    public void Metadata_OrchestrationsAndActivities_AreWhatTheSelfHostRegisters()
    {
        var triggers = Triggers();
        Assert.Equal("orchestrationTrigger", triggers[DurableNames.SolveOrchestrator].GetProperty("type").GetString());
        Assert.Equal("orchestrationTrigger", triggers[DurableNames.BatchOrchestrator].GetProperty("type").GetString());
        var activities = triggers.Where(t => t.Value.GetProperty("type").GetString() == "activityTrigger").Select(t => t.Key).Order(StringComparer.Ordinal);
        Assert.Equal(DtfxWorkerService.Activities.Keys.Order(StringComparer.Ordinal), activities);
    }

    [Fact]
    public void Metadata_QueueTrigger_ReadsTheBatchQueue()
    {
        var queue = Triggers()["StartBatchFromQueue"];
        Assert.Equal("queueTrigger", queue.GetProperty("type").GetString());
        Assert.Equal(DurableNames.BatchQueue, queue.GetProperty("queueName").GetString());
        Assert.Equal(new HostSettings().BatchQueue, queue.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", queue.GetProperty("connection").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Metadata_HttpRoutes_AreTheSelfHostsRoutes()
    {
        var http = Triggers().Values.Where(t => t.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(t => t.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} {t.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal).ToList();

        await using var app = HostApp.Build(["--hostJson", Path.Combine(SharedData.RepoRoot, "host.json"), "--AzureWebJobsStorage", "UseDevelopmentStorage=true"]);
        var mapped = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            // The self-host's /v1 fallback (OpenAI-shaped 404s for unknown paths) has no methods and no trigger.
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(mapped, http);
        Assert.Contains($"POST {Routes.Solve}", http);
    }

    [Fact]
    public void HostJson_RoutePrefixEmpty_SoFunctionsRoutesMatchTheSelfHost()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.RepoRoot, "host.json")));
        Assert.Equal(string.Empty, doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(typeof(HostApp).Assembly.Location)!, "host.json")), "host.json travels with the app");
    }
}
