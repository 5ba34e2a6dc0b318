using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.AzureStorage.Tracking;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Ttc.Orchestrations;
using Ttc.Search;
using TtcFunctions.Apis;

namespace TtcFunctions.SelfHost;

/// <summary>The self-host's client: DurableTask.Core's TaskHubClient for create and terminate, the Azure Storage service for state, queries, history and purge.</summary>
internal sealed class DtfxOrchestrationClient(AzureStorageOrchestrationService service, TaskHubClient client) : IOrchestrationClient
{
    // A finished instance's id may be reused; a Pending or Running one is a conflict.
    private static readonly OrchestrationStatus[] DedupeStatuses = [OrchestrationStatus.Pending, OrchestrationStatus.Running];

    public async Task StartAsync(string name, object input, string instanceId, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CreateOrchestrationInstanceAsync(name, version: string.Empty, instanceId, input, tags: null, dedupeStatuses: DedupeStatuses);
        }
        catch (OrchestrationAlreadyExistsException ex)
        {
            throw new InstanceExistsException($"Instance '{instanceId}' already exists and has not finished.", ex);
        }
    }

    public async Task<InstanceStatus?> GetAsync(string instanceId, bool showHistory, CancellationToken cancellationToken = default)
    {
        // The latest execution only: after ContinueAsNew, the current step's.
        var state = (await service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: true)).FirstOrDefault();
        if (state is null)
        {
            return null;
        }

        IReadOnlyList<HistoryItem>? history = null;
        string? failure = null;
        if (showHistory || state.OrchestrationStatus == OrchestrationStatus.Failed)
        {
            (var items, failure) = ParseHistory(await service.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance.ExecutionId));
            history = showHistory ? items : null;
        }

        return ToStatus(state, history, failure);
    }

    // TaskHubClient stores the reason as it is given, the Functions client serializes it: serialize here so both hosts show the same output.
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default) =>
        client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, JsonSerializer.Serialize(reason, TtcJson.Options));

    public async Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) =>
        (await service.PurgeInstanceHistoryAsync(instanceId)).InstancesDeleted;

    public async Task<InstancePage> ListAsync(IReadOnlyCollection<InstanceRuntimeStatus> statuses, int top, string? continuationToken, CancellationToken cancellationToken = default)
    {
        var condition = new OrchestrationInstanceStatusQueryCondition
        {
            RuntimeStatus = statuses.Count == 0 ? null : statuses.Select(s => (OrchestrationStatus)(int)s).ToArray(),
            FetchInput = true,
            FetchOutput = true,
        };
        var page = await service.GetOrchestrationStateAsync(condition, top, continuationToken, cancellationToken);
        return new InstancePage(page.OrchestrationState.Select(s => ToStatus(s, null, null)).ToList(), page.ContinuationToken);
    }

    // The status enums of DurableTask.Core and of the Functions SDK share names and values.
    private static InstanceStatus ToStatus(OrchestrationState state, IReadOnlyList<HistoryItem>? history, string? failure) => new(
        state.OrchestrationInstance.InstanceId,
        state.Name,
        (InstanceRuntimeStatus)(int)state.OrchestrationStatus,
        state.Input,
        state.Output,
        state.Status,
        new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
        failure,
        history);

    // Azure Storage serializes history with Newtonsoft (PascalCase, numeric EventType). Completions carry no
    // name, only the TaskScheduledId: the name comes from the matching TaskScheduled. Azure Storage never
    // fills OrchestrationState.FailureDetails: the structured failure is on the ExecutionCompleted event.
    private static (List<HistoryItem> Items, string? Failure) ParseHistory(string json)
    {
        using var document = JsonDocument.Parse(json);
        var items = new List<HistoryItem>();
        var names = new Dictionary<int, string?>();
        string? failure = null;
        foreach (var e in document.RootElement.EnumerateArray())
        {
            var type = (EventType)e.GetProperty("EventType").GetInt32();
            int eventId = e.GetProperty("EventId").GetInt32();
            string? name = e.TryGetProperty("Name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            int? scheduledId = e.TryGetProperty("TaskScheduledId", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : null;
            if (type is EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated)
            {
                names[eventId] = name;
            }
            else if (scheduledId is { } id)
            {
                name ??= names.GetValueOrDefault(id);
            }

            if (type == EventType.ExecutionCompleted && e.TryGetProperty("FailureDetails", out var f) && f.ValueKind == JsonValueKind.Object)
            {
                failure = Innermost(f);
            }

            items.Add(new HistoryItem(type.ToString(), name, e.GetProperty("Timestamp").GetDateTime(), eventId, scheduledId));
        }

        return (items, failure);
    }

    // An orchestration's failure wraps the activity's (and a batch's the solve's): the first failure that is
    // not the engine's wrapper says why.
    private static string? Innermost(JsonElement failure)
    {
        while (failure.TryGetProperty("InnerFailure", out var inner) && inner.ValueKind == JsonValueKind.Object
            && Failures.IsWrapper(failure.GetProperty("ErrorType").GetString()))
        {
            failure = inner;
        }

        return Failures.Describe(
            failure.TryGetProperty("ErrorType", out var t) ? t.GetString() : null,
            failure.TryGetProperty("ErrorMessage", out var m) ? m.GetString() : null);
    }
}
