using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Microsoft.Extensions.Logging;
using Ttc.Evaluation;
using Ttc.Math;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>
/// A batch run: reads the dataset blob once, fans out one solve instance per problem (ids derived
/// from the batch id, so a retried fan-out creates nothing twice), then on every visit counts the
/// finished solves, publishes progress, and when all are done writes results.jsonl and summary.json.
/// </summary>
public sealed partial class BatchOrchestrator(DurableClient client, ILogger<BatchOrchestrator> logger)
{
    /// <summary>One visit: fan out (first time), then check progress; Later while solves are running.</summary>
    public async Task<RunOutcome> RunAsync(string batchId, CancellationToken cancellationToken)
    {
        var batch = await client.Instances.GetAsync(batchId, cancellationToken);
        if (batch is null || batch.RuntimeStatus.IsTerminal())
        {
            return RunOutcome.Done;
        }

        var input = SolveInput.Read(batch, BatchInput.FromJson);

        var problemsBlob = client.Results.GetBlobClient($"{batchId}/problems.json");
        List<BatchProblem> problems;
        if (batch.RuntimeStatus == RuntimeStatus.Pending)
        {
            problems = await ReadDatasetAsync(input, cancellationToken);
            await problemsBlob.UploadAsync(BinaryData.FromObjectAsJson(problems), overwrite: true, cancellationToken);
            for (int i = 0; i < problems.Count; i++)
            {
                await client.StartSolveAsync(problems[i].Problem, input.Config, ChildId(batchId, i), cancellationToken);
            }

            batch.RuntimeStatus = RuntimeStatus.Running;
            Log.FannedOut(logger, batchId, problems.Count);
        }
        else
        {
            problems = (await problemsBlob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<List<BatchProblem>>()!;
        }

        var children = new List<InstanceRecord?>();
        var stale = DateTimeOffset.UtcNow - client.Options.WorkItemVisibilityTimeout;
        for (int i = 0; i < problems.Count; i++)
        {
            var child = await client.Instances.GetAsync(ChildId(batchId, i), cancellationToken);
            if (child is { RuntimeStatus: RuntimeStatus.Pending } && child.LastUpdatedTime < stale)
            {
                // A fan-out that died between creating a solve and enqueuing it left it waiting: enqueue
                // it again (a duplicate message is harmless, the checkpoint's ETag keeps steps single).
                await client.WorkItems.EnqueueAsync(new WorkItem(child.InstanceId), cancellationToken: cancellationToken);
                child.LastUpdatedTime = DateTimeOffset.UtcNow;
                await client.Instances.UpdateAsync(child, cancellationToken);
            }

            children.Add(child);
        }

        int finished = children.Count(c => c is not null && c.RuntimeStatus.IsTerminal());
        batch.CustomStatus = new JsonObject
        {
            ["problems"] = problems.Count,
            ["finished"] = finished,
            ["completed"] = children.Count(c => c?.RuntimeStatus == RuntimeStatus.Completed),
            ["failed"] = children.Count(c => c?.RuntimeStatus == RuntimeStatus.Failed),
            ["running"] = children.Count(c => c?.RuntimeStatus == RuntimeStatus.Running),
        }.ToJsonString();
        if (finished < problems.Count)
        {
            await client.Instances.UpdateAsync(batch, cancellationToken);
            return RunOutcome.Later;
        }

        batch.Output = (await WriteResultsAsync(batchId, input, problems, children!, cancellationToken)).ToJsonString();
        batch.RuntimeStatus = RuntimeStatus.Completed;
        await client.Instances.UpdateAsync(batch, cancellationToken);
        Log.Completed(logger, batchId, problems.Count);
        return RunOutcome.Done;
    }

    private static string ChildId(string batchId, int index) => $"{batchId}-{index:D5}";

    private async Task<List<BatchProblem>> ReadDatasetAsync(BatchInput input, CancellationToken ct)
    {
        int slash = input.Dataset.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new CheckpointCorruptException($"Dataset '{input.Dataset}' must be a blob path 'container/name.jsonl'.");
        }

        string content;
        try
        {
            content = (await client.Blobs.GetBlobContainerClient(input.Dataset[..slash]).GetBlobClient(input.Dataset[(slash + 1)..]).DownloadContentAsync(ct)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new CheckpointCorruptException($"Dataset blob '{input.Dataset}' does not exist.", ex);
        }

        using var reader = new StringReader(content);
        return Dataset.Read(reader, input.Limit, skipped => Log.SkippedLine(logger, input.Dataset, skipped.Line, skipped.Reason))
            .Select(p => new BatchProblem(p.Id, p.Problem, p.Answer, p.Level))
            .ToList();
    }

    private async Task<JsonObject> WriteResultsAsync(string batchId, BatchInput input, List<BatchProblem> problems, List<InstanceRecord> children, CancellationToken ct)
    {
        var lines = new StringBuilder();
        var accuracy = new AccuracyTally();
        var compute = new ComputeUsage();
        for (int i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            var child = children[i];
            var result = child.RuntimeStatus == RuntimeStatus.Completed && child.Output is { } o ? SearchResult.FromJson(JsonNode.Parse(o)!) : null;
            bool ok = result?.Answer is { } answer && MathEquivalence.AreEquivalent(answer, p.Answer);
            accuracy.Add(p.Level, ok);
            if (result is not null)
            {
                compute.Add(result.Compute);
            }

            lines.AppendLine(new JsonObject
            {
                ["uniqueId"] = p.Id, ["level"] = p.Level, ["problem"] = p.Problem, ["gold"] = p.Answer, ["answer"] = result?.Answer,
                ["correct"] = ok, ["status"] = child.RuntimeStatus.ToString(), ["instanceId"] = child.InstanceId,
                ["reason"] = result is null ? Reason(child) : null,
                ["generatedTokens"] = result?.Compute.GeneratedTokens,
                ["prmTokens"] = result?.Compute.PrmTokens,
            }.ToJsonString());
        }

        var summary = new JsonObject
        {
            ["batchId"] = batchId,
            ["dataset"] = input.Dataset,
            ["strategy"] = input.Config.Strategy,
            ["n"] = input.Config.N,
            ["failed"] = children.Count(c => c.RuntimeStatus != RuntimeStatus.Completed),
        };
        foreach (var (key, value) in accuracy.ToJson())
        {
            summary[key] = value?.DeepClone();
        }

        summary["compute"] = JsonSerializer.SerializeToNode(compute, TtcJson.Options);
        await client.Results.GetBlobClient($"{batchId}/results.jsonl").UploadAsync(BinaryData.FromString(lines.ToString()), overwrite: true, ct);
        await client.Results.GetBlobClient($"{batchId}/summary.json").UploadAsync(BinaryData.FromString(summary.ToJsonString()), overwrite: true, ct);
        summary["results"] = $"{client.Results.Name}/{batchId}/results.jsonl";
        summary["summary"] = $"{client.Results.Name}/{batchId}/summary.json";
        return summary;
    }

    /// <summary>Why a solve did not complete: the error or termination reason it recorded.</summary>
    private static string Reason(InstanceRecord child)
    {
        try
        {
            if (child.Output is { } o && JsonNode.Parse(o) is JsonObject j && (j["error"] ?? j["reason"]) is { } why)
            {
                return why.ToString();
            }
        }
        catch (JsonException)
        {
            // An unreadable output says no more than the status does.
        }

        return $"the solve ended {child.RuntimeStatus}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Batch {BatchId}: {Count} solve jobs started")]
        public static partial void FannedOut(ILogger logger, string batchId, int count);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Batch {BatchId}: all {Count} problems finished; results written")]
        public static partial void Completed(ILogger logger, string batchId, int count);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Dataset {Dataset} line {Line} skipped: {Reason}")]
        public static partial void SkippedLine(ILogger logger, string dataset, int line, string reason);
    }
}
