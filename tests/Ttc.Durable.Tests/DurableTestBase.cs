using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Durable.Tests;

[CollectionDefinition(nameof(StorageGroup))]
public sealed class StorageGroup : ICollectionFixture<AzuriteFixture>;

/// <summary>A fresh hub (uniquely named queues, table, containers) per test, deleted afterwards.</summary>
public abstract class DurableTestBase(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly Lazy<OnnxStepGenerator> SharedGenerator = new(() => OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions { IntraOpThreads = 1 }));
    private static readonly Lazy<OnnxProcessRewardModel> SharedPrm = new(() => OnnxProcessRewardModel.Open(TestModels.Shipped("prm"), new InferenceOptions { IntraOpThreads = 1 }));

    protected DurableOptions Options { get; } = new()
    {
        HubName = "t" + Guid.NewGuid().ToString("N")[..12],
        MaxDequeueCount = 3,
        WorkItemVisibilityTimeout = TimeSpan.FromSeconds(3),
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(500),
    };

    protected DurableClient Client { get; private set; } = null!;

    protected static IStepGenerator Generator => SharedGenerator.Value;

    protected static IProcessRewardModel Prm => SharedPrm.Value;

    protected static SearchConfig Beam => new() { Strategy = StrategyNames.BeamSearch, N = 4, BeamWidth = 2, Seed = 7 };

    public async ValueTask InitializeAsync()
    {
        azurite.Require();
        Client = new DurableClient(azurite.ConnectionString, Options);
        await Client.InitializeAsync();
    }

    protected SolveOrchestrator Orchestrator() => new(Client.Instances, Client.Checkpoints, NullLogger<SolveOrchestrator>.Instance);

    protected DurableWorker Worker(IStepGenerator generator) =>
        new(Client.WorkItems, Client.Instances, Orchestrator(), () => new SearchContext(generator, Prm), Options, NullLogger<DurableWorker>.Instance);

    /// <summary>Processes messages until the instance is terminal (or the deadline passes).</summary>
    protected async Task<InstanceRecord> DrainAsync(DurableWorker worker, string id, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var record = (await Client.Instances.GetAsync(id, TestContext.Current.CancellationToken))!;
            if (record.RuntimeStatus.IsTerminal())
            {
                return record;
            }

            if (!await worker.ProcessNextAsync(TestContext.Current.CancellationToken))
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
        }

        return (await Client.Instances.GetAsync(id, TestContext.Current.CancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (azurite.Unavailable is not null)
        {
            return;
        }

        try
        {
            var hub = Options.HubName.ToLowerInvariant();
            await new QueueServiceClient(azurite.ConnectionString).DeleteQueueAsync(Options.WorkQueueName);
            await new QueueServiceClient(azurite.ConnectionString).DeleteQueueAsync(Options.PoisonQueueName);
            await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(Options.InstanceTable);
            var blobs = new BlobServiceClient(azurite.ConnectionString);
            await blobs.DeleteBlobContainerAsync(Options.CheckpointContainer);
            await blobs.DeleteBlobContainerAsync(hub + "-payloads");
        }
        catch (Azure.RequestFailedException)
        {
            // Cleanup never hides a test's real failure.
        }
    }
}

/// <summary>Passes calls through until a number of them, then fails every call (a crashing or broken worker).</summary>
internal sealed class FailingGenerator(IStepGenerator inner, int succeedCalls) : IStepGenerator
{
    private int _calls;

    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _calls) > succeedCalls
            ? throw new InvalidOperationException("simulated inference failure")
            : inner.GenerateAsync(requests, cancellationToken);
}

/// <summary>Holds every caller until <paramref name="parties"/> calls are in flight, so two workers truly race.</summary>
internal sealed class RendezvousGenerator(IStepGenerator inner, int parties) : IStepGenerator
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public async Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.TrySetResult();
        }

        await _all.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        return await inner.GenerateAsync(requests, cancellationToken);
    }
}
