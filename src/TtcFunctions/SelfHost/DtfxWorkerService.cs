using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Ttc.Orchestrations;
using Ttc.Search;

namespace TtcFunctions.SelfHost;

/// <summary>
/// The worker role of the self-host: the shared class-based orchestrations and activities on DTFx's
/// TaskHubWorker over Azure Storage. Several processes on one task hub share the work (orchestrations
/// partitioned over control queues, activities on one work-item queue). A graceful stop releases this
/// process's partitions, so another worker takes them over within seconds.
/// </summary>
internal sealed partial class DtfxWorkerService(
    AzureStorageOrchestrationService service,
    AzureStorageOrchestrationServiceSettings settings,
    IServiceProvider services,
    ILoggerFactory loggers,
    ILogger<DtfxWorkerService> logger) : IHostedService, IDisposable
{
    private TaskHubWorker? _worker;

    /// <summary>The activities, by name, created with this process's services for every execution.</summary>
    internal static IReadOnlyDictionary<string, Func<IServiceProvider, ITaskActivity>> Activities { get; } = new Dictionary<string, Func<IServiceProvider, ITaskActivity>>
    {
        [DurableNames.GenerateActivity] = sp => ActivatorUtilities.CreateInstance<GenerateActivity>(sp),
        [DurableNames.ScoreActivity] = sp => ActivatorUtilities.CreateInstance<ScoreActivity>(sp),
        [DurableNames.SaveTreeActivity] = sp => ActivatorUtilities.CreateInstance<SaveTreeActivity>(sp),
        [DurableNames.ReadDatasetActivity] = sp => ActivatorUtilities.CreateInstance<ReadDatasetActivity>(sp),
        [DurableNames.WriteBatchResultsActivity] = sp => ActivatorUtilities.CreateInstance<WriteBatchResultsActivity>(sp),
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = new JsonDataConverter(TtcJson.Options) }, loggers);
        _worker = new TaskHubWorker(service, loggers)
        {
            // Failures keep their structured details (type, message, inner failure) in history.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        _worker.AddTaskOrchestrations(
            new ShimOrchestrationCreator(DurableNames.SolveOrchestrator, () => new SolveOrchestrator(), shims),
            new ShimOrchestrationCreator(DurableNames.BatchOrchestrator, () => new BatchOrchestrator(), shims));
        _worker.AddTaskActivities(Activities.Select(a => (ObjectCreator<TaskActivity>)new ShimActivityCreator(a.Key, () => a.Value(services), shims)).ToArray());
        await _worker.StartAsync();
        Started(logger, settings.TaskHubName, settings.WorkerId, settings.PartitionCount, settings.MaxQueuePollingInterval, settings.WorkItemQueueVisibilityTimeout);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        // Partitions first, while the dispatchers still run: the engine drains them (finishing the messages it
        // has already taken) and releases their leases, so another worker continues at once. Stopping the
        // dispatchers first would leave taken messages invisible until their visibility timeout.
        await service.StopAsync(isForced: false);
        await _worker.StopAsync(isForced: false);
        Stopped(logger, clock.ElapsedMilliseconds);
    }

    public void Dispose() => _worker?.Dispose();

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Durable worker {WorkerId} started on task hub {Hub}: {Partitions} partitions, polling up to {Polling}, work-item visibility {Visibility}")]
    private static partial void Started(ILogger logger, string hub, string workerId, int partitions, TimeSpan polling, TimeSpan visibility);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Durable worker stopped in {Milliseconds} ms; its partitions are released")]
    private static partial void Stopped(ILogger logger, long milliseconds);
}
