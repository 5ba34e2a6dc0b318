using DurableTask.AzureStorage;

namespace TtcFunctions.SelfHost;

/// <summary>
/// host.json's extensions.durableTask section (the Durable Functions names and defaults) as DTFx's Azure
/// Storage settings, the way the Functions extension maps them, validated with messages naming the key.
/// </summary>
internal static class DtfxSettings
{
    private const string Section = "extensions:durableTask";

    public static AzureStorageOrchestrationServiceSettings From(IConfiguration configuration, StorageConnection storageConnection, string workerId, ILoggerFactory loggers)
    {
        var durable = configuration.GetSection(Section);
        var storage = durable.GetSection("storageProvider");
        // Functions' default outside the Consumption plan.
        int concurrency = 10 * Environment.ProcessorCount;
        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = storageConnection.CreateDurableClientProvider(),
            TaskHubName = HubName(configuration),
            WorkerId = workerId,
            PartitionCount = storage.GetValue("partitionCount", 4),
            ControlQueueVisibilityTimeout = storage.GetValue("controlQueueVisibilityTimeout", TimeSpan.FromMinutes(5)),
            WorkItemQueueVisibilityTimeout = storage.GetValue("workItemQueueVisibilityTimeout", TimeSpan.FromMinutes(5)),
            MaxQueuePollingInterval = storage.GetValue("maxQueuePollingInterval", TimeSpan.FromSeconds(30)),
            UseTablePartitionManagement = storage.GetValue("useTablePartitionManagement", true),
            MaxConcurrentTaskActivityWorkItems = durable.GetValue("maxConcurrentActivityFunctions", concurrency),
            MaxConcurrentTaskOrchestrationWorkItems = durable.GetValue("maxConcurrentOrchestratorFunctions", concurrency),
            ExtendedSessionsEnabled = durable.GetValue("extendedSessionsEnabled", false),
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = loggers,
        };
    }

    /// <summary>The task hub name (extensions.durableTask.hubName).</summary>
    public static string HubName(IConfiguration configuration) => configuration[$"{Section}:hubName"] ?? "ttc";

    /// <summary>Problems with the durable and queue settings, each naming its host.json key.</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration)
    {
        var errors = new List<string>();
        foreach (var (key, min) in new[] { ("maxDequeueCount", 1), ("batchSize", 1) })
        {
            if (configuration[$"extensions:queues:{key}"] is { } text && !(int.TryParse(text, out var n) && n >= min))
            {
                errors.Add($"extensions:queues:{key} must be a whole number of at least {min} (got '{text}')");
            }
        }

        foreach (var key in new[] { "visibilityTimeout", "maxPollingInterval" })
        {
            if (configuration[$"extensions:queues:{key}"] is { } text
                && !(TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var t) && (t > TimeSpan.Zero || (key == "visibilityTimeout" && t == TimeSpan.Zero))))
            {
                errors.Add($"extensions:queues:{key} must be a {(key == "visibilityTimeout" ? "non-negative" : "positive")} time span such as 00:00:05 (got '{text}')");
            }
        }

        var hub = HubName(configuration);
        if (hub.Length is < 3 or > 45 || !hub.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(hub[0]))
        {
            errors.Add($"{Section}:hubName must be 3-45 letters and digits starting with a letter (got '{hub}')");
        }

        void Positive(string key, bool integer)
        {
            var text = configuration[$"{Section}:{key}"];
            if (text is null)
            {
                return;
            }

            bool ok = integer
                ? int.TryParse(text, out var n) && n >= 1 && (key != "storageProvider:partitionCount" || n <= 16)
                : TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero;
            if (!ok)
            {
                errors.Add($"{Section}:{key} must be {(integer ? key == "storageProvider:partitionCount" ? "a whole number from 1 to 16" : "a whole number of at least 1" : "a positive time span such as 00:00:30")} (got '{text}')");
            }
        }

        Positive("storageProvider:partitionCount", integer: true);
        Positive("maxConcurrentActivityFunctions", integer: true);
        Positive("maxConcurrentOrchestratorFunctions", integer: true);
        Positive("storageProvider:workItemQueueVisibilityTimeout", integer: false);
        Positive("storageProvider:controlQueueVisibilityTimeout", integer: false);
        Positive("storageProvider:maxQueuePollingInterval", integer: false);
        return errors;
    }
}
