using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace TtcFunctions.Tests;

[Collection(nameof(ServiceGroup))]
public class SolveApiTests(ServiceFixture service)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> PollAsync(HttpClient client, Uri status, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var response = await client.GetAsync(status, ct);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return body;
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Task.Delay(200, ct);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_ComputeOptimal_RunsWhatTheHostsPolicyChoseAndReportsTheChoice()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "Compute 4 + 3.", "strategy": "compute_optimal", "n": 4, "seed": 0}"""), ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var done = await PollAsync(client, response.Headers.Location!, ct);
        Assert.Equal("Completed", done["runtimeStatus"]!.GetValue<string>());
        var output = done["output"]!;
        Assert.Equal("compute_optimal", output["strategy"]!.GetValue<string>());
        Assert.Equal("7", output["answer"]!.GetValue<string>());
        // The shipped policy (ttc:policy, models/policy.json) travels in the job's input.
        Assert.NotNull(done["input"]!["config"]!["policy"]);
        var choice = output["choice"]!;
        Assert.InRange(choice["bin"]!.GetValue<int>(), 1, 3);
        Assert.Contains(choice["strategy"]!.GetValue<string>(), StrategyNames.All);
        Assert.True(output["compute"]!["prmTokens"]!.GetValue<long>() > 0, "the probe is scored");
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_SubmitAndPoll_CompletesWithOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "Compute 4 + 3.", "strategy": "beam_search", "n": 4, "beamWidth": 2, "seed": 0}"""), ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        Assert.True(response.Headers.Contains("Retry-After"));
        var started = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        foreach (var field in new[] { "id", "statusQueryGetUri", "terminatePostUri", "purgeHistoryDeleteUri" })
        {
            Assert.True(started.ContainsKey(field), field);
        }

        var done = await PollAsync(client, response.Headers.Location!, ct);
        Assert.Equal("Completed", done["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(started["id"]!.GetValue<string>(), done["instanceId"]!.GetValue<string>());
        Assert.Equal("Compute 4 + 3.", done["input"]!["problem"]!.GetValue<string>());
        var output = done["output"]!;
        Assert.Equal("7", output["answer"]!.GetValue<string>()); // an easy problem the shipped models solve
        Assert.Contains("\\boxed{7}", output["completion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(output["compute"]!["generatedTokens"]!.GetValue<long>() > 0);
        Assert.True(done["customStatus"]!["step"]!.GetValue<int>() >= 1);

        // Every completed instance of the shared task hub fits in one page of 1000 (with 50, other tests' jobs crowded it out).
        var list = await client.GetFromJsonAsync<JsonArray>("/api/instances?runtimeStatus=Completed&top=1000", ct);
        Assert.Contains(list!, i => i!["instanceId"]!.GetValue<string>() == started["id"]!.GetValue<string>());

        var purge = await client.DeleteAsync(started["purgeHistoryDeleteUri"]!.GetValue<string>(), ct);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(response.Headers.Location, ct)).StatusCode);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("{oops", "Malformed JSON")]
    [InlineData("""{"strategy": "beam_search"}""", "\"problem\"")]
    [InlineData("""{"problem": "   "}""", "must not be empty")]
    [InlineData("""{"problem": "p", "strategy": "astar"}""", "unknown strategy 'astar'")]
    [InlineData("""{"problem": "p", "n": 6, "beamWidth": 4}""", "multiple of beamWidth")]
    [InlineData("""{"problem": "p", "strategy": "best_of_n", "n": 100000}""", "at most 256")]
    [InlineData("""{"problem": "p", "n": "sixteen"}""", "whole number")]
    [InlineData("""{"problem": "p", "temperature": -1}""", "temperature")]
    [InlineData("""{"problem": "p", "aggregation": "mean"}""", "aggregation")]
    public async Task Solve_BadInput_400WithProblemDetailsNamingTheField(string json, string expected)
    {
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json(json), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Solve_OversizedBody_413WithProblemDetails()
    {
        using var client = service.Client();
        var huge = "{\"problem\": \"" + new string('x', 300_000) + "\"}";
        var response = await client.PostAsync("/api/solve", Json(huge), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("body", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_UnknownId_404()
    {
        using var client = service.Client();
        var response = await client.GetAsync("/api/instances/nope", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/instances/nope/terminate", null, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Solve_NoKey_401()
    {
        using var client = service.Client(withKey: false);
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "p"}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task List_BadStatusFilter_400()
    {
        using var client = service.Client();
        var response = await client.GetAsync("/api/instances?runtimeStatus=Sleeping", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("runtimeStatus", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}

[Collection(nameof(ServiceGroup))]
public class BatchApiTests(ServiceFixture service)
{
    [Fact(Timeout = 300_000)]
    public async Task Batch_FiftyProblemsTwoWorkers_SummaryWithPerLevelAccuracy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(service.Azurite.ConnectionString);
        var container = blobs.GetBlobContainerClient(service.DatasetContainer);
        var lines = File.ReadLines(Path.Combine(Ttc.TestSupport.SharedData.RepoRoot, "models", "synthetic-test.jsonl")).Take(50);
        await container.GetBlobClient("synthetic50.jsonl").UploadAsync(BinaryData.FromString(string.Join("\n", lines) + "\nnot json\n"), overwrite: true, ct);

        var response = await client.PostAsync("/api/batches", new StringContent($$"""{"dataset": "synthetic50.jsonl", "strategy": "best_of_n", "n": 2, "seed": 1}""", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonObject body;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        do
        {
            await Task.Delay(500, ct);
            body = (await client.GetFromJsonAsync<JsonObject>(response.Headers.Location, ct))!;
        }
        while (body["runtimeStatus"]!.GetValue<string>() is "Pending" or "Running" && DateTime.UtcNow < deadline);

        Assert.Equal("Completed", body["runtimeStatus"]!.GetValue<string>());
        var output = body["output"]!;
        Assert.Equal(50, output["problems"]!.GetValue<int>());
        var summaryPath = output["summary"]!.GetValue<string>();
        var summaryBlob = blobs.GetBlobContainerClient(summaryPath[..summaryPath.IndexOf('/', StringComparison.Ordinal)]).GetBlobClient(summaryPath[(summaryPath.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        var summary = JsonNode.Parse((await summaryBlob.DownloadContentAsync(ct)).Value.Content.ToString())!;
        Assert.Equal(50, summary["problems"]!.GetValue<int>());
        // ttc eval's summary: one row for the batch's one cell.
        var row = Assert.Single(summary["rows"]!.AsArray())!;
        Assert.Equal("best_of_n", row["strategy"]!.GetValue<string>());
        Assert.Equal(50, row["problems"]!.GetValue<int>());
        Assert.InRange(row["accuracy"]!.GetValue<double>(), 0, 1);
        Assert.Equal(5, row["accuracyPerDifficulty"]!.AsObject().Count);
        Assert.Equal(0, summary["failed"]!.GetValue<int>());
        Assert.True(summary["compute"]!["generatedTokens"]!.GetValue<long>() > 0);
        var resultsPath = output["results"]!.GetValue<string>();
        var results = (await blobs.GetBlobContainerClient(resultsPath[..resultsPath.IndexOf('/', StringComparison.Ordinal)]).GetBlobClient(resultsPath[(resultsPath.IndexOf('/', StringComparison.Ordinal) + 1)..]).DownloadContentAsync(ct)).Value.Content.ToString();
        var resultLines = results.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Ttc.Evaluation.EvalLine.TryParse).ToList();
        Assert.Equal(50, resultLines.Count);
        Assert.All(resultLines, l => Assert.StartsWith(body["instanceId"]!.GetValue<string>() + "-", l!.InstanceId, StringComparison.Ordinal));
        var folder = resultsPath[(resultsPath.IndexOf('/', StringComparison.Ordinal) + 1)..resultsPath.LastIndexOf('/')];
        var resultsContainer = blobs.GetBlobContainerClient(resultsPath[..resultsPath.IndexOf('/', StringComparison.Ordinal)]);
        Assert.True((await resultsContainer.GetBlobClient(folder + "/table.md").ExistsAsync(ct)).Value);
        Assert.True((await resultsContainer.GetBlobClient(folder + "/" + Ttc.Evaluation.EvalPlots.BudgetPlot).GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength > 1000);
        Assert.Equal(51, summary["skippedLines"]![0]!["line"]!.GetValue<int>()); // the "not json" line, reported
        Assert.Equal(50, body["customStatus"]!["finished"]!.GetValue<int>());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"strategy": "greedy"}""", "dataset")]
    [InlineData("""{"dataset": "missing.jsonl"}""", "does not exist")]
    [InlineData("""{"dataset": "../secrets.json"}""", "must be the name of a blob")]
    [InlineData("""{"dataset": "d.jsonl", "limit": 0}""", "limit")]
    public async Task Batch_BadInput_400NamingTheField(string json, string expected)
    {
        using var client = service.Client();
        var response = await client.PostAsync("/api/batches", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}

[Collection(nameof(ServiceGroup))]
public class InstanceLifecycleTests(ServiceFixture service)
{
    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonObject> WaitAsync(HttpClient client, Uri status, Func<JsonObject, bool> until, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var body = (await client.GetFromJsonAsync<JsonObject>(status, ct))!;
            if (until(body) || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(100, ct);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Terminate_WhileRunning_EndsTerminatedAndStaysSo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "Compute ((12 + 7) * 3 - 9 + 4) * 2 - 5 * 3.", "strategy": "beam_search", "n": 64, "seed": 2}"""), ct);
        var status = response.Headers.Location!;
        var running = await WaitAsync(client, status, b => b["customStatus"]?["step"]?.GetValue<int>() >= 1, ct);
        Assert.Equal("Running", running["runtimeStatus"]!.GetValue<string>());

        var terminate = await client.PostAsync(status + "/terminate?reason=enough", null, ct);
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        var done = await WaitAsync(client, status, b => b["runtimeStatus"]!.GetValue<string>() != "Running", ct);
        Assert.Equal("Terminated", done["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("enough", done["output"]!.GetValue<string>());

        // Whatever step was in flight must not bring it back.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var later = (await client.GetFromJsonAsync<JsonObject>(status, ct))!;
        Assert.Equal("Terminated", later["runtimeStatus"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, (await client.PostAsync(status + "/terminate", null, ct)).StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task Status_ShowHistory_ListsTheActivitiesOfTheCurrentStep()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "Compute 8 - 3.", "strategy": "best_of_n", "n": 4, "seed": 1}"""), ct);
        var done = await WaitAsync(client, response.Headers.Location!, b => b["runtimeStatus"]!.GetValue<string>() == "Completed", ct);
        Assert.Equal("Completed", done["runtimeStatus"]!.GetValue<string>());
        Assert.False(done.ContainsKey("historyEvents"));

        var withHistory = (await client.GetFromJsonAsync<JsonObject>(response.Headers.Location + "?showHistory=true", ct))!;
        var events = withHistory["historyEvents"]!.AsArray().Select(e => (Type: e!["eventType"]!.GetValue<string>(), Name: e["name"]?.GetValue<string>())).ToList();
        Assert.Contains(("ExecutionStarted", "SolveOrchestrator"), events);
        // Best-of-N is one step: generate, score, save the tree, all in this execution's history.
        Assert.True(events.Contains(("TaskScheduled", "Generate")), string.Join(", ", events));
        Assert.Contains(("TaskCompleted", "Generate"), events);
        Assert.Contains(("TaskScheduled", "Score"), events);
        Assert.Contains(("TaskCompleted", "SaveTree"), events);
        Assert.Contains(events, e => e.Type == "ExecutionCompleted");
    }

    [Fact(Timeout = 120_000)]
    public async Task Solve_TreeAfterEveryStep_InBlobStorage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        var response = await client.PostAsync("/api/solve", Json("""{"problem": "Compute 2 * 3 + 4.", "strategy": "dvts", "n": 4, "beamWidth": 2, "seed": 3}"""), ct);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>();
        var done = await WaitAsync(client, response.Headers.Location!, b => b["runtimeStatus"]!.GetValue<string>() == "Completed", ct);
        int steps = done["customStatus"]!["step"]!.GetValue<int>();
        var trees = new Azure.Storage.Blobs.BlobServiceClient(service.Azurite.ConnectionString).GetBlobContainerClient(service.HubName.ToLowerInvariant() + "-trees");
        var names = new List<string>();
        await foreach (var blob in trees.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/", ct))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(Enumerable.Range(1, steps).Select(k => $"{id}/step-{k:D4}.json"), names);
        var last = JsonNode.Parse((await trees.GetBlobClient(names[^1]).DownloadContentAsync(ct)).Value.Content.ToString())!;
        Assert.Equal(steps, last["iteration"]!.GetValue<int>());
        Assert.Equal("done", last["phase"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync(response.Headers.Location, ct)).StatusCode);
        Assert.False(await trees.GetBlobClient(names[0]).ExistsAsync(ct), "purge removes the trees too");
    }

    [Fact(Timeout = 60_000)]
    public async Task Solve_HostHeader_NotUsedForTheStatusUrls()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = service.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/solve") { Content = Json("""{"problem": "Compute 1 + 1.", "strategy": "greedy"}""") };
        request.Headers.Host = "evil.example";
        var response = await client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.DoesNotContain("evil.example", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(service.Host.BaseAddress.Port, response.Headers.Location!.Port);
    }
}
