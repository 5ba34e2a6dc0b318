using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ttc.Search;

namespace Ttc.Orchestrations.Tests;

/// <summary>One activity call an orchestrator made: its name, its input as JSON, and the output JSON it got.</summary>
internal sealed record Call(string Name, string Input, string Output);

/// <summary>
/// A hand-written orchestration context. Activity calls stay pending until <see cref="CompletePending"/>
/// answers them (so a test sees what is in flight at once); answers come from a callback (live) or from a
/// recorded list that each call must match (replay). Status and ContinueAsNew are recorded.
/// </summary>
internal sealed class FakeOrchestrationContext(string instanceId, Func<string, object?, object?>? live, IReadOnlyList<Call>? recorded = null) : TaskOrchestrationContext
{
    private readonly List<(string Name, object? Input, Type Output, TaskCompletionSource<object?> Done)> _pending = [];
    private int _replayed;

    public List<Call> Calls { get; } = [];

    public List<int> InFlight { get; } = [];

    public List<string> CustomStatuses { get; } = [];

    public object? ContinuedAsNewWith { get; private set; }

    public override TaskName Name => "Fake";

    public override string InstanceId { get; } = instanceId;

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public override bool IsReplaying => recorded is not null;

    public override TaskOrchestrationEntityFeature Entities => throw new NotSupportedException();

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public bool HasPending => _pending.Count > 0;

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((name.Name, input, typeof(TResult), done));
        return (TResult)(await done.Task)!;
    }

    /// <summary>Answers every call now pending, in the order they were made.</summary>
    public void CompletePending()
    {
        var batch = _pending.ToList();
        _pending.Clear();
        InFlight.Add(batch.Count);
        foreach (var (name, input, outputType, done) in batch)
        {
            var inputJson = JsonSerializer.Serialize(input, TtcJson.Options);
            string outputJson;
            if (recorded is not null)
            {
                var expected = recorded[_replayed++];
                Assert.Equal(expected.Name, name);
                Assert.Equal(expected.Input, inputJson);
                outputJson = expected.Output;
            }
            else
            {
                outputJson = JsonSerializer.Serialize(live!(name, input), TtcJson.Options);
            }

            Calls.Add(new Call(name, inputJson, outputJson));
            // Through JSON, as the engine would deliver it.
            done.SetResult(JsonSerializer.Deserialize(outputJson, outputType, TtcJson.Options));
        }
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException();

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException();

    public override void SetCustomStatus(object? customStatus) => CustomStatuses.Add(JsonSerializer.Serialize(customStatus, TtcJson.Options));

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => ContinuedAsNewWith = newInput;

    public override Guid NewGuid() => Guid.Empty;

    public override T? GetInput<T>() where T : default => default;
}
