using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;

namespace TtcFunctions.Tests;

[Collection(nameof(ServiceGroup))]
public class FailureTests(ServiceFixture service)
{
    [Fact(Timeout = 180_000)]
    public async Task Solve_InferenceKeepsFailing_EndsFailedWithTheReason()
    {
        var ct = TestContext.Current.CancellationToken;
        service.Azurite.Require();
        var hub = "f" + Guid.NewGuid().ToString("N")[..12];
        // A worker without models whose inference node does not answer: every Generate attempt fails.
        await using var host = await RunningHost.StartAsync(
        [
            "--roles", "api,worker", .. service.HostArguments(hub),
            "--ttc:inferenceEndpoint", "http://127.0.0.1:9", "--ttc:activityRetry:maxAttempts", "2", "--ttc:activityRetry:firstRetrySeconds", "0.1",
        ]);
        using var client = host.Client(null);
        var response = await client.PostAsync("/api/solve", new StringContent("""{"problem": "Compute 1 + 2.", "strategy": "greedy"}""", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        JsonObject status;
        var deadline = DateTime.UtcNow.AddSeconds(150);
        do
        {
            await Task.Delay(200, ct);
            status = (await client.GetFromJsonAsync<JsonObject>(response.Headers.Location, ct))!;
        }
        while (status["runtimeStatus"]!.GetValue<string>() is "Pending" or "Running" && DateTime.UtcNow < deadline);

        Assert.Equal("Failed", status["runtimeStatus"]!.GetValue<string>());
        var reason = status["output"]!.GetValue<string>();
        // The inference client's own error, not the engine's wrapper around it.
        Assert.Contains("Connection refused (127.0.0.1:9)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("TaskFailedException", reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task BatchQueue_InvalidMessageToPoison_ValidMessageStartsARun_ListenerKeepsGoing()
    {
        var ct = TestContext.Current.CancellationToken;
        service.Azurite.Require();
        var queues = new QueueServiceClient(service.Azurite.ConnectionString);
        var queue = queues.GetQueueClient("batches-" + service.HubName);
        var poison = queues.GetQueueClient("batches-" + service.HubName + "-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        var dataset = new Azure.Storage.Blobs.BlobServiceClient(service.Azurite.ConnectionString).GetBlobContainerClient(service.DatasetContainer).GetBlobClient("queue3.jsonl");
        await dataset.UploadAsync(BinaryData.FromString(string.Join("\n", File.ReadLines(Path.Combine(Ttc.TestSupport.SharedData.RepoRoot, "models", "synthetic-test.jsonl")).Take(3))), overwrite: true, ct);

        await queue.SendMessageAsync("not a batch", ct);
        var sent = (await queue.SendMessageAsync("""{"dataset": "queue3.jsonl", "strategy": "greedy"}""", ct)).Value;

        using var client = service.Client();
        JsonObject status;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(300, ct);
            var response = await client.GetAsync($"/api/instances/batch-{sent.MessageId}", ct);
            status = response.StatusCode == HttpStatusCode.NotFound ? [] : (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        }
        while (status["runtimeStatus"]?.GetValue<string>() != "Completed" && DateTime.UtcNow < deadline);

        Assert.Equal("Completed", status["runtimeStatus"]?.GetValue<string>());
        Assert.Equal(3, status["output"]!["problems"]!.GetValue<int>());
        var poisoned = (await poison.ReceiveMessagesAsync(maxMessages: 10, cancellationToken: ct)).Value;
        Assert.Contains(poisoned, m => m.Body.ToString() == "not a batch");
    }
}
