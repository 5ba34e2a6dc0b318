using DurableTask.AzureStorage;

namespace TtcFunctions.SelfHost;

/// <summary>Creates the task hub's queues, tables and containers at start-up (idempotent), so an api-only process can schedule before any worker ran.</summary>
internal sealed class TaskHubSetup(AzureStorageOrchestrationService service) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => service.CreateIfNotExistsAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
