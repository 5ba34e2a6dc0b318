namespace TtcFunctions.Apis;

/// <summary>An instance's lifecycle state, with the Durable Functions names and values.</summary>
public enum InstanceRuntimeStatus
{
    /// <summary>Running.</summary>
    Running = 0,

    /// <summary>Completed.</summary>
    Completed = 1,

    /// <summary>ContinuedAsNew (between two executions).</summary>
    ContinuedAsNew = 2,

    /// <summary>Failed.</summary>
    Failed = 3,

    /// <summary>Canceled.</summary>
    Canceled = 4,

    /// <summary>Terminated.</summary>
    Terminated = 5,

    /// <summary>Pending (scheduled, not yet started).</summary>
    Pending = 6,

    /// <summary>Suspended.</summary>
    Suspended = 7,
}

/// <summary>
/// The client operations the HTTP API needs, written once against this interface and implemented over
/// DurableTask.Core's client in the self-host and over the Functions <c>DurableTaskClient</c> in Azure.
/// </summary>
public interface IOrchestrationClient
{
    /// <summary>Schedules orchestration <paramref name="name"/> as <paramref name="instanceId"/>.</summary>
    /// <exception cref="InstanceExistsException">An unfinished instance has that id.</exception>
    Task StartAsync(string name, object input, string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The instance's latest execution, with its history when asked (null: unknown id).</summary>
    Task<InstanceStatus?> GetAsync(string instanceId, bool showHistory, CancellationToken cancellationToken = default);

    /// <summary>Terminates a running or pending instance.</summary>
    Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Deletes an instance's state and history; the number of instances deleted.</summary>
    Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>One page of instances with any of <paramref name="statuses"/> (all when empty).</summary>
    Task<InstancePage> ListAsync(IReadOnlyCollection<InstanceRuntimeStatus> statuses, int top, string? continuationToken, CancellationToken cancellationToken = default);
}

/// <summary>An unfinished instance already has the id a start asked for.</summary>
public sealed class InstanceExistsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InstanceExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public InstanceExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public InstanceExistsException()
    {
    }
}

/// <summary>One instance as the HTTP API shows it; payloads stay the engine's serialized JSON.</summary>
/// <param name="InstanceId">The id.</param>
/// <param name="Name">The orchestration name.</param>
/// <param name="RuntimeStatus">Its status.</param>
/// <param name="SerializedInput">Input JSON of the latest execution.</param>
/// <param name="SerializedOutput">Output JSON (a failure's message for Failed).</param>
/// <param name="SerializedCustomStatus">Custom status JSON.</param>
/// <param name="CreatedTime">When it was created.</param>
/// <param name="LastUpdatedTime">When it last changed.</param>
/// <param name="FailureMessage">Why it failed (the innermost failure's message), for Failed.</param>
/// <param name="History">History events of the latest execution, when asked for.</param>
public sealed record InstanceStatus(
    string InstanceId,
    string Name,
    InstanceRuntimeStatus RuntimeStatus,
    string? SerializedInput,
    string? SerializedOutput,
    string? SerializedCustomStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    string? FailureMessage,
    IReadOnlyList<HistoryItem>? History)
{
    /// <summary>Whether the instance has finished (it will not change again).</summary>
    public bool IsFinished => RuntimeStatus is InstanceRuntimeStatus.Completed or InstanceRuntimeStatus.Failed or InstanceRuntimeStatus.Terminated or InstanceRuntimeStatus.Canceled;
}

/// <summary>One history event.</summary>
/// <param name="EventType">ExecutionStarted, TaskScheduled, TaskCompleted, ...</param>
/// <param name="Name">The orchestration or activity it concerns.</param>
/// <param name="Timestamp">When it happened.</param>
/// <param name="EventId">Its id (TaskScheduled ids are what TaskCompleted events refer to).</param>
/// <param name="TaskScheduledId">For completions and failures, the scheduled task's id.</param>
public sealed record HistoryItem(string EventType, string? Name, DateTime Timestamp, int EventId, int? TaskScheduledId);

/// <summary>One page of a query.</summary>
/// <param name="Instances">The instances.</param>
/// <param name="ContinuationToken">Where the next page starts (null: last page).</param>
public sealed record InstancePage(IReadOnlyList<InstanceStatus> Instances, string? ContinuationToken);
