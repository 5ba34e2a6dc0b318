using System.Diagnostics;
using Microsoft.DurableTask;

namespace Ttc.Orchestrations;

/// <summary>
/// An activity that records a span (<see cref="Tracing.Source"/>, named as the activity, tagged with the instance id)
/// around each execution: for OpenTelemetry exporters, and for <c>ttc bench durable</c>, which reads the
/// gaps between them as the orchestration's overhead.
/// </summary>
public abstract class TracedActivity<TInput, TOutput> : TaskActivity<TInput, TOutput>
{
    /// <inheritdoc />
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var span = Tracing.Source.StartActivity(context.Name.Name, ActivityKind.Internal);
        span?.SetTag(Tracing.InstanceTag, context.InstanceId);
        return await RunCoreAsync(context, input);
    }

    /// <summary>The activity's work.</summary>
    protected abstract Task<TOutput> RunCoreAsync(TaskActivityContext context, TInput input);
}

/// <summary>The workflow's tracing names.</summary>
public static class Tracing
{
    /// <summary>The span tag holding the orchestration instance id.</summary>
    public const string InstanceTag = "ttc.instance_id";

    /// <summary>The name of the workflow's activity source (listeners match on it).</summary>
    public const string SourceName = "Ttc.Orchestrations";

    /// <summary>The workflow's activity source.</summary>
    public static ActivitySource Source { get; } = new(SourceName);
}
