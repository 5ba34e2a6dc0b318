using Ttc.Durable;
using Ttc.Search;

namespace TtcFunctions;

/// <summary>Runs maxConcurrentOrchestratorFunctions competing consumers of the work item queue.</summary>
internal sealed class WorkerService(DurableClient client, DurableOptions options, Func<SearchContext> contexts, ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await client.InitializeAsync(stoppingToken);
        var workers = Enumerable.Range(0, options.MaxConcurrentOrchestrations).Select(_ => new DurableWorker(
            client.WorkItems,
            client.Instances,
            new SolveOrchestrator(client.Instances, client.Checkpoints, loggers.CreateLogger<SolveOrchestrator>()),
            contexts,
            options,
            loggers.CreateLogger<DurableWorker>()).RunAsync(stoppingToken));
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unfinished messages reappear for another worker after their lease.
        }
    }
}
