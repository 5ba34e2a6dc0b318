namespace Ttc.Orchestrations;

/// <summary>
/// The names both hosts register and schedule: orchestrations, activities, the batch queue. The
/// Azure Functions wrappers use them as function names and a test compares them with the
/// functions.metadata the Functions SDK writes, so the two hosts cannot drift.
/// </summary>
public static class DurableNames
{
    /// <summary>One search step per execution of a solve job.</summary>
    public const string SolveOrchestrator = "SolveOrchestrator";

    /// <summary>A batch run over a dataset, one solve sub-orchestration per problem.</summary>
    public const string BatchOrchestrator = "BatchOrchestrator";

    /// <summary>Generation requests of one phase (one chunk of at most maxBatchSize).</summary>
    public const string GenerateActivity = "Generate";

    /// <summary>PRM scoring requests of one phase (one chunk).</summary>
    public const string ScoreActivity = "Score";

    /// <summary>Writes the search tree after a step to Blob storage.</summary>
    public const string SaveTreeActivity = "SaveTree";

    /// <summary>Reads a batch's dataset blob.</summary>
    public const string ReadDatasetActivity = "ReadDataset";

    /// <summary>Writes a batch's results.jsonl and summary.json.</summary>
    public const string WriteBatchResultsActivity = "WriteBatchResults";

    /// <summary>Queue whose messages (a batch request body) start batch runs.</summary>
    public const string BatchQueue = "ttc-batches";
}
