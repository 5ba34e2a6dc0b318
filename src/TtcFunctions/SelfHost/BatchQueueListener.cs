using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Ttc.Orchestrations;
using TtcFunctions.Apis;

namespace TtcFunctions.SelfHost;

/// <summary>
/// The self-host's stand-in for the Functions queue trigger: each message on the batch queue (a batch
/// request body) starts a batch run whose id derives from the message id, so a message seen twice starts
/// one run. An invalid message goes to the poison queue at once; a failing one after maxDequeueCount
/// attempts. The loop never stops the host: unexpected errors are logged and it backs off and goes on.
/// </summary>
internal sealed partial class BatchQueueListener(
    QueueServiceClient queues,
    BlobServiceClient blobs,
    IOrchestrationClient client,
    HostSettings settings,
    IConfiguration configuration,
    ILogger<BatchQueueListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var section = configuration.GetSection("extensions:queues");
        int maxDequeue = section.GetValue("maxDequeueCount", 5);
        var retryDelay = section.GetValue("visibilityTimeout", TimeSpan.FromSeconds(5));
        var maxPolling = section.GetValue("maxPollingInterval", TimeSpan.FromSeconds(2));
        var queue = queues.GetQueueClient(settings.BatchQueue);
        var poison = queues.GetQueueClient(settings.BatchQueue + "-poison");
        var wait = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                var messages = (await queue.ReceiveMessagesAsync(maxMessages: 8, visibilityTimeout: TimeSpan.FromMinutes(1), stoppingToken)).Value;
                foreach (var message in messages)
                {
                    await HandleAsync(queue, poison, message, maxDequeue, retryDelay, stoppingToken);
                }

                wait = messages.Length > 0 ? TimeSpan.FromMilliseconds(100) : Min(wait * 2, maxPolling);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                wait = Min(wait * 2, maxPolling);
                LoopFailed(logger, ex, wait);
            }

            await Task.Delay(wait, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueClient poison, QueueMessage message, int maxDequeue, TimeSpan retryDelay, CancellationToken ct)
    {
        var (input, error) = await BatchApi.ReadMessageAsync(message.Body.ToString(), settings, blobs, ct);
        if (input is null)
        {
            InvalidMessage(logger, message.MessageId, error!);
            await MoveToPoisonAsync(queue, poison, message, ct);
            return;
        }

        var id = "batch-" + message.MessageId;
        try
        {
            await client.StartAsync(DurableNames.BatchOrchestrator, input, id, ct);
            BatchStarted(logger, id, input.Dataset);
        }
        catch (InstanceExistsException)
        {
            // Started before this message was deleted (a redelivery): nothing more to do.
        }
        catch (Exception ex) when (ex is RequestFailedException or InvalidOperationException or TimeoutException)
        {
            if (message.DequeueCount >= maxDequeue)
            {
                StartFailed(logger, ex, message.MessageId, message.DequeueCount);
                await MoveToPoisonAsync(queue, poison, message, ct);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: retryDelay, cancellationToken: ct);
            }

            return;
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
    }

    private static async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Batch {BatchId} started from the queue (dataset {Dataset})")]
    private static partial void BatchStarted(ILogger logger, string batchId, string dataset);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Batch queue message {MessageId} is invalid and goes to the poison queue: {Error}")]
    private static partial void InvalidMessage(ILogger logger, string messageId, string error);

    [LoggerMessage(EventId = 512, Level = LogLevel.Error, Message = "Batch queue message {MessageId} failed {Attempts} times and goes to the poison queue")]
    private static partial void StartFailed(ILogger logger, Exception exception, string messageId, long attempts);

    [LoggerMessage(EventId = 513, Level = LogLevel.Error, Message = "The batch queue listener failed; retrying in {Wait}")]
    private static partial void LoopFailed(ILogger logger, Exception exception, TimeSpan wait);
}
