using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Ttc.Evaluation;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>
/// Writes the search tree after a step to <c>{hub}-trees/{instanceId}/step-{k}.json</c>, so users and
/// tools can read it. Idempotent: a rerun writes the same bytes to the same blob.
/// </summary>
public sealed class SaveTreeActivity(BlobServiceClient blobs, StorageNames names) : TracedActivity<SaveTreeInput, string>
{
    /// <inheritdoc />
    protected override async Task<string> RunCoreAsync(TaskActivityContext context, SaveTreeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var container = blobs.GetBlobContainerClient(names.TreeContainer);
        await container.CreateIfNotExistsAsync();
        var name = StorageNames.TreeBlob(input.InstanceId, input.State.Iteration);
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input.State, TtcJson.Options)), overwrite: true);
        return $"{container.Name}/{name}";
    }
}

/// <summary>Reads a batch's dataset from the datasets container (the one dataset loader); a missing blob fails the batch once, without retries.</summary>
public sealed class ReadDatasetActivity(BlobServiceClient blobs, StorageNames names) : TracedActivity<ReadDatasetInput, DatasetContent>
{
    /// <inheritdoc />
    protected override async Task<DatasetContent> RunCoreAsync(TaskActivityContext context, ReadDatasetInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string text;
        try
        {
            text = (await blobs.GetBlobContainerClient(names.DatasetContainer).GetBlobClient(input.Dataset).DownloadContentAsync()).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new PermanentActivityException($"Dataset blob '{names.DatasetContainer}/{input.Dataset}' does not exist.", ex);
        }

        var skipped = new List<SkippedLine>();
        using var reader = new StringReader(text);
        var problems = Dataset.Read(reader, input.Limit, skipped.Add);
        return new DatasetContent(problems, skipped);
    }
}
