using Ttc.Durable;

namespace TtcFunctions;

/// <summary>Reads the engine settings from host.json's Functions key names.</summary>
internal static class DurableSettings
{
    public static DurableOptions FromConfiguration(IConfiguration configuration)
    {
        var queues = configuration.GetSection("extensions:queues");
        var durable = configuration.GetSection("extensions:durableTask");
        var options = new DurableOptions();
        options.HubName = durable["hubName"] ?? options.HubName;
        options.MaxDequeueCount = queues.GetValue("maxDequeueCount", options.MaxDequeueCount);
        options.MaxPollingInterval = queues.GetValue("maxPollingInterval", options.MaxPollingInterval);
        options.RetryDelay = queues.GetValue("visibilityTimeout", options.RetryDelay);
        options.BatchConsumers = queues.GetValue("batchSize", options.BatchConsumers);
        options.MaxConcurrentActivities = durable.GetValue("maxConcurrentActivityFunctions", options.MaxConcurrentActivities);
        options.MaxConcurrentOrchestrations = durable.GetValue("maxConcurrentOrchestratorFunctions", options.MaxConcurrentOrchestrations);
        options.WorkItemVisibilityTimeout = durable.GetValue("storageProvider:workItemQueueVisibilityTimeout", options.WorkItemVisibilityTimeout);
        return options;
    }
}
