using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Ttc.Orchestrations;
using TtcFunctions.Apis;

namespace TtcFunctions.Functions;

/// <summary>Batch runs started by queue messages (the POST /api/batches body); the Functions host retries a failing message and moves it to the poison queue after maxDequeueCount attempts.</summary>
internal sealed class QueueFunctions(HostSettings settings, BlobServiceClient blobs)
{
    [Function("StartBatchFromQueue")]
    public async Task StartBatchFromQueue(
        [QueueTrigger(DurableNames.BatchQueue, Connection = "AzureWebJobsStorage")] string message,
        string id,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (input, error) = await BatchApi.ReadMessageAsync(message, settings, blobs, context.CancellationToken);
        if (input is null)
        {
            throw new InvalidOperationException($"Batch queue message {id} is invalid: {error}");
        }

        try
        {
            // The id derives from the message's, so a redelivered message starts no second run.
            await new FunctionsOrchestrationClient(client).StartAsync(DurableNames.BatchOrchestrator, input, "batch-" + id, context.CancellationToken);
        }
        catch (InstanceExistsException)
        {
            // Started by an earlier delivery of this message.
        }
    }
}
