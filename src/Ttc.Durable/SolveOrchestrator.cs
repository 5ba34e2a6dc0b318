using Microsoft.Extensions.Logging;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>How a run of an instance ended.</summary>
public enum RunOutcome
{
    /// <summary>Completed now (or found already finished / terminated): the message can go.</summary>
    Done,

    /// <summary>Another worker wrote a newer checkpoint: stop, leave the message to it.</summary>
    Superseded,

    /// <summary>Not finished, nothing to do now (a batch waiting for its solves): check again shortly.</summary>
    Later,
}

/// <summary>
/// The solve orchestration: load the latest checkpoint, then per search step fan out generation and
/// PRM scoring (the strategy's step, whose batches go to the inference functions), write the
/// checkpoint with ETag concurrency, publish progress, next step. Deterministic given the
/// checkpoint: a resumed run ends exactly as an uninterrupted one.
/// </summary>
public sealed partial class SolveOrchestrator(InstanceStore instances, CheckpointStore checkpoints, ILogger<SolveOrchestrator> logger)
{
    /// <summary>Bytes of every checkpoint written so far (for the benchmark).</summary>
    public long CheckpointBytesWritten { get; private set; }

    /// <summary>Seconds spent in checkpoint writes and status updates (for the benchmark).</summary>
    public double OverheadSeconds { get; private set; }

    /// <summary>Advances <paramref name="instanceId"/> to the end, or until terminated or superseded.</summary>
    /// <exception cref="CheckpointCorruptException">The stored state cannot be read.</exception>
    public async Task<RunOutcome> RunAsync(string instanceId, SearchContext context, CancellationToken cancellationToken)
    {
        var instance = await instances.GetAsync(instanceId, cancellationToken);
        if (instance is null || instance.RuntimeStatus.IsTerminal())
        {
            return RunOutcome.Done;
        }

        var input = SolveInput.Read(instance, SolveInput.FromJson);

        var strategy = StrategyRegistry.Get(input.Config.Strategy);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var checkpoint = await checkpoints.LoadAsync(instanceId, cancellationToken);
        var state = checkpoint?.State ?? strategy.Start(input.Problem, input.Config);
        Azure.ETag? etag = checkpoint?.ETag; // null: the first write must create the blob
        Log.Resuming(logger, instanceId, state.Iteration);
        instance.RuntimeStatus = RuntimeStatus.Running;
        instance.CustomStatus = SolveInput.Progress(state).ToJsonString();
        Task<bool>? reporting = MarkRunningAsync(instance, cancellationToken);
        OverheadSeconds += clock.Elapsed.TotalSeconds;

        // Storage writes of step k overlap the computation of step k + 1. The state is serialized
        // before the next step starts, and step k + 1 is only written once step k's write has
        // succeeded (its ETag is the condition), so nothing is lost or applied twice.
        Task<Checkpoint>? saving = null;
        while (!state.Finished)
        {
            try
            {
                state = await SearchRunner.IterateAsync(state, context, cancellationToken);
            }
            catch (Exception) when (saving is not null)
            {
                // The step in flight is lost, but the one before it is kept: finish its write first.
                await Task.WhenAny(Task.WhenAll(saving, reporting ?? Task.FromResult(true)));
                throw;
            }

            clock.Restart();
            if (await SettleAsync(instanceId, saving, reporting, state.Iteration) is { } stop)
            {
                return stop;
            }

            etag = saving is null ? etag : (await saving).ETag;
            saving = checkpoints.SaveAsync(instanceId, state, etag, cancellationToken);
            reporting = state.Finished ? null : ReportAsync(instanceId, SolveInput.Progress(state).ToJsonString(), cancellationToken);
            OverheadSeconds += clock.Elapsed.TotalSeconds;
        }

        // The last checkpoint and the Completed status are written together (one round trip of latency).
        clock.Restart();
        var result = strategy.Finish(state);
        instance.RuntimeStatus = RuntimeStatus.Completed;
        instance.CustomStatus = SolveInput.Progress(state).ToJsonString();
        instance.Output = SolveInput.Output(result).ToJsonString();
        var completing = instances.UpdateAsync(instance, cancellationToken);
        if (await SettleAsync(instanceId, saving, null, state.Iteration) is { } last)
        {
            await completing;
            return last;
        }

        await completing;
        OverheadSeconds += clock.Elapsed.TotalSeconds;
        Log.Completed(logger, instanceId, result.Answer, state.Iteration);
        return RunOutcome.Done;
    }

    /// <summary>Waits for the previous step's writes; a result means stop (superseded or terminated).</summary>
    private async Task<RunOutcome?> SettleAsync(string instanceId, Task<Checkpoint>? saving, Task<bool>? reporting, int step)
    {
        if (saving is not null)
        {
            try
            {
                var written = await saving;
                CheckpointBytesWritten += written.Bytes;
            }
            catch (CheckpointConflictException)
            {
                Log.Superseded(logger, instanceId, step - 1);
                return RunOutcome.Superseded;
            }
        }

        // A terminate request is honoured before the next step is written.
        return reporting is not null && !await reporting ? RunOutcome.Done : null;
    }

    private async Task<bool> MarkRunningAsync(InstanceRecord instance, CancellationToken ct)
    {
        await instances.UpdateAsync(instance, ct);
        return true;
    }

    /// <summary>Publishes progress; false when the instance is gone or was terminated.</summary>
    private async Task<bool> ReportAsync(string instanceId, string progress, CancellationToken ct)
    {
        var current = await instances.GetAsync(instanceId, ct);
        if (current is null || current.RuntimeStatus.IsTerminal())
        {
            return false;
        }

        current.CustomStatus = progress;
        await instances.UpdateAsync(current, ct);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Instance {InstanceId}: running from step {Step}")]
        public static partial void Resuming(ILogger logger, string instanceId, int step);

        [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Instance {InstanceId}: another worker wrote step {Step} first; stopping")]
        public static partial void Superseded(ILogger logger, string instanceId, int step);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Instance {InstanceId}: completed with answer {Answer} after {Steps} steps")]
        public static partial void Completed(ILogger logger, string instanceId, string? answer, int steps);
    }
}
