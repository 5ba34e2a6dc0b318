namespace Ttc.Orchestrations;

/// <summary>Where the workflow keeps its blobs, derived from the task hub name so that hubs never share them.</summary>
/// <param name="HubName">The task hub (extensions.durableTask.hubName).</param>
/// <param name="DatasetContainer">The one container batch datasets are read from (ttc:datasetContainer).</param>
public sealed record StorageNames(string HubName, string DatasetContainer = StorageNames.DefaultDatasetContainer)
{
    /// <summary>Default of <see cref="DatasetContainer"/>.</summary>
    public const string DefaultDatasetContainer = "datasets";

    /// <summary>Search trees: <c>{instanceId}/step-{k}.json</c> after every step.</summary>
    public string TreeContainer => HubName.ToLowerInvariant() + "-trees";

    /// <summary>Batch outputs: <c>{batchId}/results.jsonl</c> and <c>{batchId}/summary.json</c>.</summary>
    public string ResultsContainer => HubName.ToLowerInvariant() + "-results";

    /// <summary>The blob name of the tree after step <paramref name="step"/>.</summary>
    public static string TreeBlob(string instanceId, int step) => $"{instanceId}/step-{step:D4}.json";
}
