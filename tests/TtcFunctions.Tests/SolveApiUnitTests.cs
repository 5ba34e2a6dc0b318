using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ttc.Orchestrations;
using Ttc.Search;
using Ttc.TestSupport;
using TtcFunctions.Apis;

namespace TtcFunctions.Tests;

/// <summary>The HTTP handlers both hosts share, called directly with a hand-written client: no engine, no storage.</summary>
public class SolveApiUnitTests
{
    private sealed class FakeClient : IOrchestrationClient
    {
        public List<(string Name, object Input, string Id)> Started { get; } = [];

        public Dictionary<string, InstanceStatus> Instances { get; } = [];

        public List<string> Terminated { get; } = [];

        public Task StartAsync(string name, object input, string instanceId, CancellationToken cancellationToken = default)
        {
            Started.Add((name, input, instanceId));
            return Task.CompletedTask;
        }

        public Task<InstanceStatus?> GetAsync(string instanceId, bool showHistory, CancellationToken cancellationToken = default) =>
            Task.FromResult(Instances.GetValueOrDefault(instanceId));

        public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default)
        {
            Terminated.Add(instanceId + ":" + reason);
            return Task.CompletedTask;
        }

        public Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) => Task.FromResult(Instances.Remove(instanceId) ? 1 : 0);

        public Task<InstancePage> ListAsync(IReadOnlyCollection<InstanceRuntimeStatus> statuses, int top, string? continuationToken, CancellationToken cancellationToken = default) =>
            Task.FromResult(new InstancePage(Instances.Values.Where(i => statuses.Count == 0 || statuses.Contains(i.RuntimeStatus)).Take(top).ToList(), null));
    }

    private static readonly HostSettings Settings = new() { PublicBaseUrl = "https://ttc.example.com" };
    private static readonly PublicUrls Urls = new(Settings, () => null);
    private static readonly ContextCheck Context = new(Settings, SharedData.RepoRoot);

    private static DefaultHttpContext Http(string? body = null, string query = "")
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = "application/json";
        }

        http.Response.Body = new MemoryStream();
        return http;
    }

    private static async Task<(int Status, JsonNode? Body)> ExecuteAsync(HttpContext http, IResult result)
    {
        await result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        return (http.Response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static InstanceStatus Instance(string id, InstanceRuntimeStatus status, string? output = null) =>
        new(id, DurableNames.SolveOrchestrator, status, """{"problem":"p","config":{"n":4},"state":{"iteration":3}}""", output, """{"step":3}""", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null);

    [Fact]
    public async Task Start_ValidBody_SchedulesTheSolveOrchestratorAndReturnsItsUrls()
    {
        var client = new FakeClient();
        var http = Http("""{"problem": "Compute 1 + 1.", "strategy": "dvts", "n": 8, "beamWidth": 2}""");
        var (status, body) = await ExecuteAsync(http, await SolveApi.StartAsync(http.Request, client, Settings, Urls, Context, CancellationToken.None));

        Assert.Equal(202, status);
        var (name, input, id) = Assert.Single(client.Started);
        Assert.Equal(DurableNames.SolveOrchestrator, name);
        var solve = Assert.IsType<SolveInput>(input);
        Assert.Equal("Compute 1 + 1.", solve.Problem);
        Assert.Equal(new SearchConfig { Strategy = "dvts", N = 8, BeamWidth = 2 }, solve.Config);
        Assert.Equal(Settings.Workflow(), solve.Options);
        Assert.Equal($"https://ttc.example.com/api/instances/{id}", body!["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal(body["statusQueryGetUri"]!.GetValue<string>(), http.Response.Headers.Location.ToString());
    }

    [Fact]
    public async Task Start_BadField_400AndNothingScheduled()
    {
        var client = new FakeClient();
        var http = Http("""{"problem": "p", "n": 0}""");
        var (status, body) = await ExecuteAsync(http, await SolveApi.StartAsync(http.Request, client, Settings, Urls, Context, CancellationToken.None));
        Assert.Equal(400, status);
        Assert.Contains("must be at least 1", body!["errors"]!["n"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(client.Started);
    }

    [Fact]
    public async Task Start_UnknownField_400NamingItAndTheKnownOne()
    {
        var client = new FakeClient();
        var http = Http("""{"problem": "p", "strategy": "beam_search", "beam_width": 2}""");
        var (status, body) = await ExecuteAsync(http, await SolveApi.StartAsync(http.Request, client, Settings, Urls, Context, CancellationToken.None));
        Assert.Equal(400, status);
        Assert.Equal("unknown field 'beam_width' (did you mean 'beamWidth'?)", body!["errors"]!["beam_width"]![0]!.GetValue<string>());
        Assert.Empty(client.Started);
    }

    [Fact]
    public async Task BatchMessage_UnknownField_RefusedBeforeTheDatasetIsLookedUp()
    {
        // No storage behind this client: the unknown field must be reported without reaching it.
        var blobs = new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true");
        var (input, error) = await BatchApi.ReadMessageAsync("""{"dataset": "math500.jsonl", "numIterations": 4, "num_iteration": 2}""", Settings, blobs, CancellationToken.None);
        Assert.Null(input);
        Assert.Equal("num_iteration: unknown field 'num_iteration'", error);
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("beam_search")]
    public async Task Start_ProblemBeyondTheContext_400WithBothTokenCounts_NothingScheduled(string strategy)
    {
        var client = new FakeClient();
        var problem = string.Join(" ", Enumerable.Repeat("Compute 12 + 34 and then 56 * 78.", 60));
        var http = Http(new JsonObject { ["problem"] = problem, ["strategy"] = strategy }.ToJsonString());
        var (status, body) = await ExecuteAsync(http, await SolveApi.StartAsync(http.Request, client, Settings, Urls, Context, CancellationToken.None));
        Assert.Equal(400, status);
        var message = body!["errors"]!["problem"]![0]!.GetValue<string>();
        Assert.Matches(@"^the prompt has \d+ tokens; the generator .*generator-small. supports 512", message);
        Assert.Empty(client.Started);
    }

    [Theory]
    [InlineData(InstanceRuntimeStatus.Running, 202)]
    [InlineData(InstanceRuntimeStatus.Pending, 202)]
    [InlineData(InstanceRuntimeStatus.Completed, 200)]
    [InlineData(InstanceRuntimeStatus.Terminated, 200)]
    public async Task Status_ByRuntimeStatus_202WhileUnfinished200After(InstanceRuntimeStatus runtime, int expected)
    {
        var client = new FakeClient();
        client.Instances["a"] = Instance("a", runtime, "{\"answer\":\"2\"}");
        var http = Http();
        var (status, body) = await ExecuteAsync(http, await SolveApi.StatusAsync("a", http.Request, client, Urls, CancellationToken.None));
        Assert.Equal(expected, status);
        Assert.Equal(runtime.ToString(), body!["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("p", body["input"]!["problem"]!.GetValue<string>());
        Assert.Null(body["input"]!["state"]); // the tree is in Blob storage, not in every status poll
    }

    [Fact]
    public async Task Terminate_Finished_410_Unknown_404_Running_202()
    {
        var client = new FakeClient();
        client.Instances["done"] = Instance("done", InstanceRuntimeStatus.Completed);
        client.Instances["busy"] = Instance("busy", InstanceRuntimeStatus.Running);
        foreach (var (id, code) in new[] { ("done", 410), ("nope", 404), ("busy", 202) })
        {
            var http = Http(query: "?reason=stop");
            Assert.Equal(code, (await ExecuteAsync(http, await SolveApi.TerminateAsync(id, http.Request, client, CancellationToken.None))).Status);
        }

        Assert.Equal(["busy:stop"], client.Terminated);
    }

    [Fact]
    public async Task List_StatusFilter_PassedToTheClient_BadStatus400()
    {
        var client = new FakeClient();
        client.Instances["a"] = Instance("a", InstanceRuntimeStatus.Completed);
        client.Instances["b"] = Instance("b", InstanceRuntimeStatus.Running);
        var http = Http(query: "?runtimeStatus=Completed&top=10");
        var (status, body) = await ExecuteAsync(http, await SolveApi.ListAsync(http.Request, client, CancellationToken.None));
        Assert.Equal(200, status);
        Assert.Equal(["a"], body!.AsArray().Select(i => i!["instanceId"]!.GetValue<string>()));

        var bad = Http(query: "?runtimeStatus=Sleeping");
        Assert.Equal(400, (await ExecuteAsync(bad, await SolveApi.ListAsync(bad.Request, client, CancellationToken.None))).Status);
    }
}
