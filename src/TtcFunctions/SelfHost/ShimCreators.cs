using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace TtcFunctions.SelfHost;

/// <summary>A fresh shim (and orchestrator object) for every DTFx execution of a class-based orchestrator.</summary>
internal sealed class ShimOrchestrationCreator : ObjectCreator<TaskOrchestration>
{
    private readonly DurableTaskShimFactory _shims;
    private readonly Func<ITaskOrchestrator> _create;

    public ShimOrchestrationCreator(string name, Func<ITaskOrchestrator> create, DurableTaskShimFactory shims)
    {
        Name = name;
        Version = string.Empty; // the client schedules version ""
        _create = create;
        _shims = shims;
    }

    public override TaskOrchestration Create() => _shims.CreateOrchestration(new TaskName(Name), _create(), parent: null);
}

/// <summary>The shim of a class-based activity, created with its services for every execution.</summary>
internal sealed class ShimActivityCreator : ObjectCreator<TaskActivity>
{
    private readonly DurableTaskShimFactory _shims;
    private readonly Func<ITaskActivity> _create;

    public ShimActivityCreator(string name, Func<ITaskActivity> create, DurableTaskShimFactory shims)
    {
        Name = name;
        Version = string.Empty;
        _create = create;
        _shims = shims;
    }

    public override TaskActivity Create() => _shims.CreateActivity(new TaskName(Name), _create());
}
