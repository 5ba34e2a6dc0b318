namespace Ttc.Durable;

/// <summary>Instance states, named as Durable Functions names them.</summary>
public enum RuntimeStatus
{
    /// <summary>Accepted, waiting for a worker.</summary>
    Pending,

    /// <summary>A worker is stepping it.</summary>
    Running,

    /// <summary>Finished; the output is set.</summary>
    Completed,

    /// <summary>Gave up; the reason is in the output.</summary>
    Failed,

    /// <summary>Stopped on request.</summary>
    Terminated,
}

/// <summary>Helpers on <see cref="RuntimeStatus"/>.</summary>
public static class RuntimeStatusExtensions
{
    /// <summary>No worker will touch the instance again.</summary>
    public static bool IsTerminal(this RuntimeStatus status) => status is RuntimeStatus.Completed or RuntimeStatus.Failed or RuntimeStatus.Terminated;
}
