using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Ttc.Orchestrations;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>
/// Batch runs over a dataset blob, started by <c>POST /api/batches</c> or by a message on the batch queue
/// (the same body): one solve per problem, results.jsonl and summary.json at the end.
/// </summary>
public static class BatchApi
{
    /// <summary>The fields a batch body may have: the dataset, a limit and the search settings.</summary>
    private static readonly string[] BatchFields = ["dataset", "limit", .. SearchSettings.All.Select(s => s.Name)];

    /// <summary>POST /api/batches: 202 with the status URLs, or 400 naming the field (a missing dataset blob included).</summary>
    public static async Task<IResult> StartAsync(HttpRequest http, IOrchestrationClient client, HostSettings settings, BlobServiceClient blobs, PublicUrls urls, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(urls);
        var (f, error) = await JsonFields.ReadAsync(http, SolveApi.MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

        var input = await ReadAsync(f, settings, blobs, ct);
        if (input is null)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid batch request");
        }

        var id = "batch-" + Guid.NewGuid().ToString("N");
        await client.StartAsync(DurableNames.BatchOrchestrator, input, id, ct);
        return SolveApi.Accepted(http, urls, id, retryAfterSeconds: 5);
    }

    /// <summary>
    /// The batch a request body (or queue message) asks for, or null with the errors in <paramref name="f"/>.
    /// The dataset is a blob of the one configured datasets container ("name.jsonl", or "datasets/name.jsonl"),
    /// and it must exist: a bad name or a missing blob is reported now, not after retries.
    /// </summary>
    internal static async Task<BatchInput?> ReadAsync(JsonFields f, HostSettings settings, BlobServiceClient blobs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(blobs);
        f.RejectUnknown(BatchFields);
        var dataset = f.String("dataset", required: true);
        var prefix = settings.DatasetContainer + "/";
        if (dataset is not null && dataset.StartsWith(prefix, StringComparison.Ordinal))
        {
            dataset = dataset[prefix.Length..];
        }

        if (dataset is not null && !BlobNames.IsBlobName(dataset))
        {
            f.Fail("dataset", $"must be the name of a blob in the '{settings.DatasetContainer}' container, such as 'math500.jsonl' (got '{dataset}')");
        }

        int? limit = f.Body.ContainsKey("limit") ? f.Number("limit", 0) : null;
        if (limit is < 1)
        {
            f.Fail("limit", $"must be at least 1 (got {limit})");
        }

        var config = SolveApi.ReadConfig(f, settings);
        if (f.Errors.Count == 0 && !await blobs.GetBlobContainerClient(settings.DatasetContainer).GetBlobClient(dataset!).ExistsAsync(ct))
        {
            f.Fail("dataset", $"blob '{settings.DatasetContainer}/{dataset}' does not exist; upload the JSONL there first");
        }

        return f.Errors.Count > 0 ? null : new BatchInput(dataset!, config, limit, settings.MaxConcurrentSolves, settings.Workflow(), Path.GetFileName(Path.TrimEndingDirectorySeparator(settings.Generator)));
    }

    /// <summary>A batch queue message: the batch it asks for, or the problems with it as one line.</summary>
    public static async Task<(BatchInput? Input, string? Error)> ReadMessageAsync(string message, HostSettings settings, BlobServiceClient blobs, CancellationToken ct)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(message) as JsonObject;
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, "the message is not JSON: " + ex.Message);
        }

        if (body is null)
        {
            return (null, "the message must be a JSON object like the POST /api/batches body");
        }

        var f = new JsonFields(body);
        var input = await ReadAsync(f, settings, blobs, ct);
        return input is null ? (null, string.Join("; ", f.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))) : (input, null);
    }
}
