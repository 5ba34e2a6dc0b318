using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Ttc.Evaluation;
using Ttc.Math;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>
/// Writes a batch's <c>results.jsonl</c> (one line per problem: answer, correct, compute, or why it
/// failed) and <c>summary.json</c> (accuracy overall and per level, compute) to
/// <c>{hub}-results/{batchId}/</c>; returns the summary with their paths. Idempotent.
/// </summary>
public sealed class WriteBatchResultsActivity(BlobServiceClient blobs, StorageNames names) : TracedActivity<BatchResultsInput, JsonObject>
{
    /// <inheritdoc />
    protected override async Task<JsonObject> RunCoreAsync(TaskActivityContext context, BatchResultsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (results, summary) = Build(input);
        var container = blobs.GetBlobContainerClient(names.ResultsContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"{input.BatchId}/results.jsonl").UploadAsync(BinaryData.FromString(results), overwrite: true);
        await container.GetBlobClient($"{input.BatchId}/summary.json").UploadAsync(BinaryData.FromString(summary.ToJsonString()), overwrite: true);
        summary["results"] = $"{container.Name}/{input.BatchId}/results.jsonl";
        summary["summary"] = $"{container.Name}/{input.BatchId}/summary.json";
        return summary;
    }

    /// <summary>The results.jsonl text and the summary (pure, for tests).</summary>
    internal (string Results, JsonObject Summary) Build(BatchResultsInput input)
    {
        var lines = new StringBuilder();
        var accuracy = new AccuracyTally();
        var compute = new ComputeUsage();
        var problems = input.Dataset.Problems;
        for (int i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            var outcome = input.Outcomes[i];
            var result = outcome.Result;
            bool ok = result?.Answer is { } answer && MathEquivalence.AreEquivalent(answer, p.Answer);
            accuracy.Add(p.Level, ok);
            if (result is not null)
            {
                compute.Add(result.Compute);
            }

            lines.AppendLine(new JsonObject
            {
                ["uniqueId"] = p.Id,
                ["level"] = p.Level,
                ["problem"] = p.Problem,
                ["gold"] = p.Answer,
                ["answer"] = result?.Answer,
                ["correct"] = ok,
                ["status"] = result is null ? "Failed" : "Completed",
                ["reason"] = outcome.Failure,
                ["instanceId"] = BatchOrchestrator.SolveId(input.BatchId, i),
                ["generatedTokens"] = result?.Compute.GeneratedTokens,
                ["prmTokens"] = result?.Compute.PrmTokens,
            }.ToJsonString());
        }

        var summary = new JsonObject
        {
            ["batchId"] = input.BatchId,
            ["dataset"] = $"{names.DatasetContainer}/{input.Input.Dataset}",
            ["strategy"] = input.Input.Config.Strategy,
            ["n"] = input.Input.Config.N,
            ["failed"] = input.Outcomes.Count(o => o.Result is null),
            ["skippedLines"] = new JsonArray(input.Dataset.Skipped.Select(s => (JsonNode)new JsonObject { ["line"] = s.Line, ["reason"] = s.Reason }).ToArray()),
        };
        foreach (var (key, value) in accuracy.ToJson())
        {
            summary[key] = value?.DeepClone();
        }

        summary["compute"] = JsonSerializer.SerializeToNode(compute, TtcJson.Options);
        return (lines.ToString(), summary);
    }
}
