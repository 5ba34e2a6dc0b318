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
/// Writes a batch's results to <c>{hub}-results/{batchId}/</c> in <c>ttc eval</c>'s formats, so the
/// same tools read both: <c>results.jsonl</c> (one <see cref="EvalLine"/> per problem, a failed solve
/// as skipped with its reason and every line with its solve's instance id), <c>summary.json</c> (the
/// eval summary's rows, with the batch's id, failures, skipped dataset lines and compute), <c>table.md</c>
/// and the accuracy plots. Returns the summary with the paths. Idempotent.
/// </summary>
public sealed class WriteBatchResultsActivity(BlobServiceClient blobs, StorageNames names) : TracedActivity<BatchResultsInput, JsonObject>
{
    /// <inheritdoc />
    protected override async Task<JsonObject> RunCoreAsync(TaskActivityContext context, BatchResultsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (results, summary, rows) = Build(input);
        var container = blobs.GetBlobContainerClient(names.ResultsContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"{input.BatchId}/results.jsonl").UploadAsync(BinaryData.FromString(results), overwrite: true);
        await container.GetBlobClient($"{input.BatchId}/summary.json").UploadAsync(BinaryData.FromString(summary.ToJsonString()), overwrite: true);
        await container.GetBlobClient($"{input.BatchId}/table.md").UploadAsync(BinaryData.FromString(EvalSummary.Markdown(rows, DifficultyMethod.Level)), overwrite: true);
        var folder = Directory.CreateTempSubdirectory("ttc-batch-plots-");
        try
        {
            foreach (var plot in EvalPlots.Write(rows, folder.FullName, DifficultyMethod.Level))
            {
                await container.GetBlobClient($"{input.BatchId}/{Path.GetFileName(plot)}").UploadAsync(plot, overwrite: true);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        summary["results"] = $"{container.Name}/{input.BatchId}/results.jsonl";
        summary["summary"] = $"{container.Name}/{input.BatchId}/summary.json";
        return summary;
    }

    /// <summary>The results.jsonl text, the summary and its rows (pure, for tests).</summary>
    internal (string Results, JsonObject Summary, IReadOnlyList<EvalSummaryRow> Rows) Build(BatchResultsInput input)
    {
        var text = new StringBuilder();
        var lines = new List<EvalLine>();
        var compute = new ComputeUsage();
        var problems = input.Dataset.Problems;
        var config = input.Input.Config;
        for (int i = 0; i < problems.Count; i++)
        {
            var p = problems[i];
            var outcome = input.Outcomes[i];
            var result = outcome.Result;
            if (result is not null)
            {
                compute.Add(result.Compute);
            }

            var line = EvalLine.For(input.Input.Generator, config, p) with
            {
                Difficulty = p.Level,
                Answer = result?.Answer,
                Correct = result?.Answer is { } answer && MathEquivalence.AreEquivalent(answer, p.Answer),
                GeneratedTokens = result?.Compute.GeneratedTokens ?? 0,
                PrmTokens = result?.Compute.PrmTokens ?? 0,
                Seconds = result is null ? 0 : result.Compute.GenerationSeconds + result.Compute.ScoringSeconds,
                Skipped = result is null ? "solve failed: " + outcome.Failure : null,
                InstanceId = BatchOrchestrator.SolveId(input.BatchId, i),
            };
            lines.Add(line);
            text.AppendLine(line.ToJson());
        }

        var rows = EvalSummary.Rows(lines);
        var summary = EvalSummary.ToJson($"{names.DatasetContainer}/{input.Input.Dataset}", problems.Count, [config.Seed], DifficultyMethod.Level, complete: true, rows);
        summary["batchId"] = input.BatchId;
        summary["failed"] = input.Outcomes.Count(o => o.Result is null);
        summary["skippedLines"] = new JsonArray(input.Dataset.Skipped.Select(s => (JsonNode)new JsonObject { ["line"] = s.Line, ["reason"] = s.Reason }).ToArray());
        summary["compute"] = JsonSerializer.SerializeToNode(compute, TtcJson.Options);
        return (text.ToString(), summary, rows);
    }
}
