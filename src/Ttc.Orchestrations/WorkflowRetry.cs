using Microsoft.DurableTask;

namespace Ttc.Orchestrations;

/// <summary>The one retry mechanism for activities: the durable engine's retry policy, declared per call.</summary>
public static class WorkflowRetry
{
    /// <summary>
    /// <see cref="WorkflowOptions.MaxAttempts"/> attempts with exponential back-off from
    /// <see cref="WorkflowOptions.FirstRetrySeconds"/>; a <see cref="PermanentActivityException"/> is not retried.
    /// </summary>
    public static TaskOptions Policy(WorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAttempts <= 1)
        {
            return new TaskOptions();
        }

        var policy = new RetryPolicy(
            options.MaxAttempts,
            TimeSpan.FromSeconds(options.FirstRetrySeconds),
            backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromMinutes(1))
        {
            HandleFailure = failure => failure.ErrorType != typeof(PermanentActivityException).FullName,
        };
        return TaskOptions.FromRetryPolicy(policy);
    }
}
