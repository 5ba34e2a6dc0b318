using Microsoft.Extensions.Logging.Abstractions;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Durable.Tests;

[Collection(nameof(StorageGroup))]
public class BatchOrchestratorTests(AzuriteFixture azurite) : DurableTestBase(azurite)
{
    [Fact(Timeout = 120_000)]
    public async Task RunAsync_SolveCreatedButNeverEnqueued_IsEnqueuedAgainAfterALease()
    {
        var ct = TestContext.Current.CancellationToken;
        var datasets = Client.Blobs.GetBlobContainerClient(Options.HubName.ToLowerInvariant() + "-data");
        await datasets.CreateIfNotExistsAsync(cancellationToken: ct);
        await datasets.GetBlobClient("two.jsonl").UploadAsync(BinaryData.FromString(
            "{\"problem\": \"Compute 1 + 1.\", \"answer\": \"2\", \"level\": 1}\n{\"problem\": \"Compute 2 + 2.\", \"answer\": \"4\", \"level\": 1}\n"), overwrite: true, ct);
        var batch = new BatchOrchestrator(Client, NullLogger<BatchOrchestrator>.Instance);
        var id = await Client.StartBatchAsync(datasets.Name + "/two.jsonl", new SearchConfig { Strategy = StrategyNames.Greedy }, null, ct);

        Assert.Equal(RunOutcome.Later, await batch.RunAsync(id, ct));
        Assert.Equal(2, await Client.WorkItems.CountAsync(ct));
        // The fan-out's messages are lost (as if it died between creating the solves and enqueuing them).
        while (await Client.WorkItems.ReceiveAsync(TimeSpan.FromSeconds(30), ct) is { } lease)
        {
            await Client.WorkItems.CompleteAsync(lease, ct);
        }

        await Task.Delay(Options.WorkItemVisibilityTimeout + TimeSpan.FromMilliseconds(500), ct);
        Assert.Equal(RunOutcome.Later, await batch.RunAsync(id, ct));
        Assert.Equal(2, await Client.WorkItems.CountAsync(ct));
        await datasets.DeleteIfExistsAsync(cancellationToken: ct);
    }
}
