namespace Ttc.Durable;

/// <summary>
/// Engine settings, read from host.json with the Functions key names where they mean the same:
/// extensions.queues.* and extensions.durableTask.*.
/// </summary>
public sealed class DurableOptions
{
    /// <summary>Prefix of every queue, table and container (extensions.durableTask.hubName).</summary>
    public string HubName { get; set; } = "ttc";

    /// <summary>Receives before a message goes to the poison queue (extensions.queues.maxDequeueCount).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a worker holds a job before another may take it (extensions.durableTask.storageProvider.workItemQueueVisibilityTimeout).</summary>
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before a failed message may be retried (extensions.queues.visibilityTimeout).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consumers of the batch run queue (extensions.queues.batchSize).</summary>
    public int BatchConsumers { get; set; } = 1;

    /// <summary>Longest wait between empty polls (extensions.queues.maxPollingInterval).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Jobs one worker process runs at once (extensions.durableTask.maxConcurrentOrchestratorFunctions).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 4;

    /// <summary>Inference calls one worker process has in flight at once (extensions.durableTask.maxConcurrentActivityFunctions).</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>Problems with the settings, each naming its host.json key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(HubName) || !HubName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(HubName[0]) || HubName.Length > 40)
        {
            errors.Add($"extensions:durableTask:hubName must be 1-40 letters and digits starting with a letter (got '{HubName}')");
        }

        if (MaxDequeueCount < 1)
        {
            errors.Add($"extensions:queues:maxDequeueCount must be at least 1 (got {MaxDequeueCount})");
        }

        if (WorkItemVisibilityTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout must be at least 1 second (got {WorkItemVisibilityTimeout})");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            errors.Add($"extensions:queues:visibilityTimeout must not be negative (got {RetryDelay})");
        }

        if (BatchConsumers < 1)
        {
            errors.Add($"extensions:queues:batchSize must be at least 1 (got {BatchConsumers})");
        }

        if (MaxPollingInterval <= TimeSpan.Zero)
        {
            errors.Add($"extensions:queues:maxPollingInterval must be positive (got {MaxPollingInterval})");
        }

        if (MaxConcurrentActivities < 1)
        {
            errors.Add($"extensions:durableTask:maxConcurrentActivityFunctions must be at least 1 (got {MaxConcurrentActivities})");
        }

        if (MaxConcurrentOrchestrations < 1)
        {
            errors.Add($"extensions:durableTask:maxConcurrentOrchestratorFunctions must be at least 1 (got {MaxConcurrentOrchestrations})");
        }

        return errors;
    }

    /// <summary>Work item queue name.</summary>
    public string WorkQueueName => HubName.ToLowerInvariant() + "-workitems";

    /// <summary>Poison queue name.</summary>
    public string PoisonQueueName => WorkQueueName + "-poison";

    /// <summary>Checkpoint container name.</summary>
    public string CheckpointContainer => HubName.ToLowerInvariant() + "-checkpoints";

    /// <summary>Batch run queue name.</summary>
    public string BatchQueueName => HubName.ToLowerInvariant() + "-batches";

    /// <summary>Container for batch results (results.jsonl, summary.json).</summary>
    public string ResultsContainer => HubName.ToLowerInvariant() + "-results";

    /// <summary>Instance table name.</summary>
    public string InstanceTable => HubName + "Instances";
}
