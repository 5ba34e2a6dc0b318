using Ttc.Durable;
using Ttc.Search;

namespace TtcFunctions;

/// <summary>Runs maxConcurrentOrchestratorFunctions competing consumers of the work item queue, and batchSize of the batch queue.</summary>
internal sealed partial class WorkerService(DurableClient client, DurableOptions options, Func<SearchContext> contexts, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await client.InitializeAsync(stoppingToken);
        var logger = loggers.CreateLogger<WorkerService>();
        Started(logger, options.WorkQueueName, options.MaxConcurrentOrchestrations, options.WorkItemVisibilityTimeout);
        var workers = Enumerable.Range(0, options.MaxConcurrentOrchestrations).Select(_ => new DurableWorker(
            client.WorkItems,
            client.Instances,
            new SolveOrchestrator(client.Instances, client.Checkpoints, loggers.CreateLogger<SolveOrchestrator>()),
            contexts,
            options,
            loggers.CreateLogger<DurableWorker>()).RunAsync(stoppingToken)).ToList();
        // Batch runs are light (they fan out and count); their solves run on the workers above.
        var batches = new BatchOrchestrator(client, loggers.CreateLogger<BatchOrchestrator>());
        workers.AddRange(Enumerable.Range(0, options.BatchConsumers).Select(_ =>
            new DurableWorker(client.Batches, client.Instances, batches.RunAsync, options, loggers.CreateLogger<DurableWorker>()).RunAsync(stoppingToken)));
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages reappear for another worker after their lease.
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Workers started on {Queue}: {Count} consumers, lease {Lease}")]
    private static partial void Started(ILogger logger, string queue, int count, TimeSpan lease);
}
