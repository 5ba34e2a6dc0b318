namespace Ttc.Orchestrations;

/// <summary>How a failure is told to users: the first failure below the engine's own wrappers, as "Type: message".</summary>
public static class Failures
{
    /// <summary>
    /// The durable engine's exception types, which only say that something inside failed (a solve's failure
    /// wraps its activity's, a batch's the solve's).
    /// </summary>
    public static bool IsWrapper(string? errorType) =>
        errorType is not null
        && (errorType.EndsWith(".TaskFailedException", StringComparison.Ordinal)
            || errorType.EndsWith("SubOrchestrationFailedException", StringComparison.Ordinal)
            || errorType.EndsWith("OrchestrationFailureException", StringComparison.Ordinal));

    /// <summary>"HttpRequestException: Connection refused (127.0.0.1:9)".</summary>
    public static string Describe(string? errorType, string? message)
    {
        var type = errorType ?? "Error";
        return $"{type[(type.LastIndexOf('.') + 1)..]}: {message}";
    }
}
