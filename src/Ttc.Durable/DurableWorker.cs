using Microsoft.Extensions.Logging;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>
/// A competing consumer of the work item queue: holds each message invisible while it works
/// (renewing the lease), deletes it only when the job is done, retries failures with backoff, and
/// after maxDequeueCount attempts moves the message to the poison queue and fails the instance
/// with the reason. A failed message is never deleted as if it had succeeded.
/// </summary>
public sealed partial class DurableWorker(
    WorkItemBroker broker,
    InstanceStore instances,
    Func<string, CancellationToken, Task<RunOutcome>> run,
    DurableOptions options,
    ILogger<DurableWorker> logger)
{
    /// <summary>A worker of solve jobs: each message advances one search.</summary>
    public DurableWorker(WorkItemBroker broker, InstanceStore instances, SolveOrchestrator orchestrator, Func<SearchContext> contextFactory, DurableOptions options, ILogger<DurableWorker> logger)
        : this(broker, instances, (id, ct) => orchestrator.RunAsync(id, contextFactory(), ct), options, logger)
    {
    }

    /// <summary>Processes messages until cancelled, polling with backoff when the queue is empty.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var idle = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await ProcessNextAsync(cancellationToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                Log.StorageError(logger, ex.Message);
                worked = false;
            }

            if (worked)
            {
                idle = TimeSpan.FromMilliseconds(100);
                continue;
            }

            await Task.Delay(idle, cancellationToken);
            idle = TimeSpan.FromTicks(System.Math.Min(idle.Ticks * 2, options.MaxPollingInterval.Ticks));
        }
    }

    /// <summary>Takes and processes one message; false when the queue was empty.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken cancellationToken)
    {
        var lease = await broker.ReceiveAsync(options.WorkItemVisibilityTimeout, cancellationToken);
        if (lease is null)
        {
            return false;
        }

        if (lease.Item is null)
        {
            Log.Malformed(logger, lease.MessageId);
            await broker.MoveToPoisonAsync(lease, cancellationToken);
            return true;
        }

        var id = lease.Item.InstanceId;
        if (lease.DequeueCount > options.MaxDequeueCount)
        {
            // Workers died holding it: it never failed cleanly, but it is past its attempts.
            await PoisonAsync(lease, id, null, cancellationToken);
            return true;
        }

        using var renewal = new LeaseRenewal(broker, lease, options.WorkItemVisibilityTimeout);
        try
        {
            var outcome = await run(id, cancellationToken);
            await renewal.StopAsync();
            if (outcome == RunOutcome.Done)
            {
                await broker.CompleteAsync(lease, cancellationToken);
            }
            else if (outcome == RunOutcome.Later)
            {
                // A fresh message keeps the dequeue count for real failures, not for waiting.
                await broker.EnqueueAsync(lease.Item, TimeSpan.FromSeconds(1), cancellationToken);
                await broker.CompleteAsync(lease, cancellationToken);
            }
        }
        catch (CheckpointCorruptException ex)
        {
            await renewal.StopAsync();
            await FailAsync(id, ex.Message, cancellationToken);
            await broker.CompleteAsync(lease, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await renewal.StopAsync();
            Log.Attempt(logger, id, lease.DequeueCount, ex.Message);
            var instance = await instances.GetAsync(id, cancellationToken);
            if (instance is not null)
            {
                instance.LastError = $"{ex.GetType().Name}: {ex.Message}";
                await instances.UpdateAsync(instance, cancellationToken);
            }

            if (lease.DequeueCount >= options.MaxDequeueCount)
            {
                await PoisonAsync(lease, id, ex, cancellationToken);
            }
            else
            {
                // Wait out the retry delay, then let any worker try again from the last checkpoint.
                await broker.RenewAsync(lease, options.RetryDelay, cancellationToken);
            }
        }

        return true;
    }

    private async Task PoisonAsync(WorkLease lease, string id, Exception? last, CancellationToken ct)
    {
        var instance = await instances.GetAsync(id, ct);
        var reason = $"The work item failed {lease.DequeueCount} time(s) (maxDequeueCount {options.MaxDequeueCount}) and was moved to the poison queue. Last error: "
            + (last is not null ? $"{last.GetType().Name}: {last.Message}" : instance?.LastError ?? "the worker stopped without reporting one");
        await broker.MoveToPoisonAsync(lease, ct);
        await FailAsync(id, reason, ct);
    }

    private async Task FailAsync(string id, string reason, CancellationToken ct)
    {
        var instance = await instances.GetAsync(id, ct);
        if (instance is null || instance.RuntimeStatus.IsTerminal())
        {
            return;
        }

        instance.RuntimeStatus = RuntimeStatus.Failed;
        instance.Output = new System.Text.Json.Nodes.JsonObject { ["error"] = reason }.ToJsonString();
        await instances.UpdateAsync(instance, ct);
        Log.Failed(logger, id, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Instance {InstanceId}: attempt {Attempt} failed: {Error}")]
        public static partial void Attempt(ILogger logger, string instanceId, long attempt, string error);

        [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Instance {InstanceId} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string instanceId, string reason);

        [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Message {MessageId} is not a work item; moved to the poison queue")]
        public static partial void Malformed(ILogger logger, string messageId);

        [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Storage error while polling: {Error}")]
        public static partial void StorageError(ILogger logger, string error);
    }
}
