using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>
/// Starts, queries, terminates and purges instances (the client side of the engine). Built from
/// one storage connection string; creates its queues, tables and containers on first use.
/// </summary>
public sealed class DurableClient
{
    /// <summary>Connects to the storage account named by <paramref name="connectionString"/> (UseDevelopmentStorage=true means Azurite).</summary>
    public DurableClient(string connectionString, DurableOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid durable options: " + string.Join("; ", errors), nameof(options));
        }

        var blobs = new BlobServiceClient(connectionString);
        var queues = new QueueServiceClient(connectionString);
        var tables = new TableServiceClient(connectionString);
        Instances = new InstanceStore(tables.GetTableClient(options.InstanceTable), blobs.GetBlobContainerClient(options.HubName.ToLowerInvariant() + "-payloads"));
        Checkpoints = new CheckpointStore(blobs.GetBlobContainerClient(options.CheckpointContainer));
        WorkItems = new WorkItemBroker(queues.GetQueueClient(options.WorkQueueName), queues.GetQueueClient(options.PoisonQueueName));
        Batches = new WorkItemBroker(queues.GetQueueClient(options.BatchQueueName), queues.GetQueueClient(options.BatchQueueName + "-poison"));
        Blobs = blobs;
        Results = blobs.GetBlobContainerClient(options.ResultsContainer);
    }

    /// <summary>The batch run queue.</summary>
    public WorkItemBroker Batches { get; }

    /// <summary>The storage account's blobs (datasets are read from here).</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The container batch results are written to.</summary>
    public BlobContainerClient Results { get; }

    /// <summary>Creates a Pending batch run over the JSONL blob <paramref name="dataset"/> ("container/path.jsonl") and enqueues it.</summary>
    public async Task<string> StartBatchAsync(string dataset, SearchConfig config, int? limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        var id = "b" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        await Instances.CreateAsync(
            new InstanceRecord { InstanceId = id, Name = "batch", Input = new BatchInput(dataset, config, limit).ToJson(), CreatedTime = now, LastUpdatedTime = now },
            cancellationToken);
        await Batches.EnqueueAsync(new WorkItem(id), cancellationToken: cancellationToken);
        return id;
    }

    /// <summary>The settings.</summary>
    public DurableOptions Options { get; }

    /// <summary>Instance status.</summary>
    public InstanceStore Instances { get; }

    /// <summary>Search checkpoints.</summary>
    public CheckpointStore Checkpoints { get; }

    /// <summary>The work item queue.</summary>
    public WorkItemBroker WorkItems { get; }

    /// <summary>Creates every queue, table and container.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Instances.InitializeAsync(cancellationToken);
        await Checkpoints.InitializeAsync(cancellationToken);
        await WorkItems.InitializeAsync(cancellationToken);
        await Batches.InitializeAsync(cancellationToken);
        await Results.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Creates a Pending solve instance and enqueues it; returns its id.</summary>
    public async Task<string> StartSolveAsync(string problem, SearchConfig config, string? instanceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        var id = instanceId ?? Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var created = await Instances.CreateAsync(
            new InstanceRecord { InstanceId = id, Input = new SolveInput(problem, config).ToJson(), CreatedTime = now, LastUpdatedTime = now },
            cancellationToken);
        if (created)
        {
            await WorkItems.EnqueueAsync(new WorkItem(id), cancellationToken: cancellationToken);
        }

        return id;
    }

    /// <summary>Marks a running instance Terminated (workers stop before their next step); false if unknown or already finished.</summary>
    public async Task<bool> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken = default)
    {
        var instance = await Instances.GetAsync(instanceId, cancellationToken);
        if (instance is null || instance.RuntimeStatus.IsTerminal())
        {
            return false;
        }

        instance.RuntimeStatus = RuntimeStatus.Terminated;
        instance.Output = new System.Text.Json.Nodes.JsonObject { ["reason"] = reason ?? "terminated" }.ToJsonString();
        await Instances.UpdateAsync(instance, cancellationToken);
        return true;
    }

    /// <summary>Deletes an instance's status and checkpoint; false if unknown.</summary>
    public async Task<bool> PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await Checkpoints.DeleteAsync(instanceId, cancellationToken);
        return await Instances.DeleteAsync(instanceId, cancellationToken);
    }
}
