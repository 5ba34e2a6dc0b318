using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

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
        Assert.Contains("\\boxed{", output["completion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(output["compute"]!["generatedTokens"]!.GetValue<long>() > 0);
        Assert.True(done["customStatus"]!["step"]!.GetValue<int>() >= 1);

        var list = await client.GetFromJsonAsync<JsonArray>("/api/instances?runtimeStatus=Completed&top=50", ct);
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
    public async Task Solve_OversizedBody_400()
    {
        using var client = service.Client();
        var huge = "{\"problem\": \"" + new string('x', 300_000) + "\"}";
        var response = await client.PostAsync("/api/solve", Json(huge), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
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
