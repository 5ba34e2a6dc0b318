using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using TtcFunctions.Apis;

namespace TtcFunctions.Functions;

/// <summary>The Functions app's client: the <see cref="DurableTaskClient"/> that <c>[DurableClient]</c> binds.</summary>
internal sealed class FunctionsOrchestrationClient(DurableTaskClient client) : IOrchestrationClient
{
    public async Task StartAsync(string name, object input, string instanceId, CancellationToken cancellationToken = default)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is { IsRunning: true } or { RuntimeStatus: OrchestrationRuntimeStatus.Pending })
        {
            throw new InstanceExistsException($"Instance '{instanceId}' already exists and has not finished.");
        }

        await client.ScheduleNewOrchestrationInstanceAsync(new TaskName(name), input, new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken);
    }

    public async Task<InstanceStatus?> GetAsync(string instanceId, bool showHistory, CancellationToken cancellationToken = default)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        IReadOnlyList<HistoryItem>? history = null;
        if (showHistory)
        {
            var events = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
            var names = events.OfType<TaskScheduledEvent>().ToDictionary(e => e.EventId, e => e.Name);
            history = events.Select(e => new HistoryItem(
                e.EventType.ToString(),
                e switch
                {
                    TaskScheduledEvent s => s.Name,
                    ExecutionStartedEvent s => s.Name,
                    SubOrchestrationInstanceCreatedEvent s => s.Name,
                    TaskCompletedEvent c => names.GetValueOrDefault(c.TaskScheduledId),
                    TaskFailedEvent f => names.GetValueOrDefault(f.TaskScheduledId),
                    _ => null,
                },
                e.Timestamp,
                e.EventId,
                e switch
                {
                    TaskCompletedEvent c => c.TaskScheduledId,
                    TaskFailedEvent f => f.TaskScheduledId,
                    _ => null,
                })).ToList();
        }

        var failure = metadata.FailureDetails;
        while (failure?.InnerFailure is not null && Ttc.Orchestrations.Failures.IsWrapper(failure.ErrorType))
        {
            failure = failure.InnerFailure;
        }

        return new InstanceStatus(
            metadata.InstanceId,
            metadata.Name,
            (InstanceRuntimeStatus)(int)metadata.RuntimeStatus,
            metadata.SerializedInput,
            metadata.SerializedOutput,
            metadata.SerializedCustomStatus,
            metadata.CreatedAt,
            metadata.LastUpdatedAt,
            failure is null ? null : Ttc.Orchestrations.Failures.Describe(failure.ErrorType, failure.ErrorMessage),
            history);
    }

    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) =>
        client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions { Output = reason }, cancellationToken);

    public async Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) =>
        (await client.PurgeInstanceAsync(instanceId, null, cancellationToken)).PurgedInstanceCount;

    public async Task<InstancePage> ListAsync(IReadOnlyCollection<InstanceRuntimeStatus> statuses, int top, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var query = new OrchestrationQuery
        {
            Statuses = statuses.Count == 0 ? null : statuses.Select(s => (OrchestrationRuntimeStatus)(int)s).ToList(),
            PageSize = top,
            ContinuationToken = continuationToken,
            FetchInputsAndOutputs = true,
        };
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuationToken, top).WithCancellation(cancellationToken))
        {
            return new InstancePage(
                page.Values.Select(m => new InstanceStatus(m.InstanceId, m.Name, (InstanceRuntimeStatus)(int)m.RuntimeStatus, m.SerializedInput, m.SerializedOutput, m.SerializedCustomStatus, m.CreatedAt, m.LastUpdatedAt, m.FailureDetails?.ErrorMessage, null)).ToList(),
                page.ContinuationToken);
        }

        return new InstancePage([], null);
    }
}
