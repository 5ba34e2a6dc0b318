namespace Ttc.Durable;

/// <summary>The status of one instance, as the status API reports it.</summary>
public sealed class InstanceRecord
{
    /// <summary>Instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>What runs: "solve" or "batch".</summary>
    public string Name { get; set; } = "solve";

    /// <summary>Current state.</summary>
    public RuntimeStatus RuntimeStatus { get; set; } = RuntimeStatus.Pending;

    /// <summary>The input, as JSON.</summary>
    public string? Input { get; set; }

    /// <summary>Progress, as JSON (step i of n, live beams, best score, tokens).</summary>
    public string? CustomStatus { get; set; }

    /// <summary>The result (or the failure reason), as JSON.</summary>
    public string? Output { get; set; }

    /// <summary>The last error a worker met, kept for the poison verdict.</summary>
    public string? LastError { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedTime { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset LastUpdatedTime { get; set; }
}
