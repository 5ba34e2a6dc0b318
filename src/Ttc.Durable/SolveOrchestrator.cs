using System.Text.Json;
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

        SolveInput input;
        try
        {
            input = SolveInput.FromJson(instance.Input ?? string.Empty);
        }
        catch (JsonException ex)
        {
            throw new CheckpointCorruptException($"Instance '{instanceId}' has an unreadable input: {ex.Message}", ex);
        }

        var strategy = StrategyRegistry.Get(input.Config.Strategy);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var checkpoint = await checkpoints.LoadAsync(instanceId, cancellationToken);
        try
        {
            checkpoint ??= await checkpoints.SaveAsync(instanceId, strategy.Start(input.Problem, input.Config), null, cancellationToken);
        }
        catch (CheckpointConflictException)
        {
            return RunOutcome.Superseded;
        }

        Log.Resuming(logger, instanceId, checkpoint.State.Iteration);
        instance.RuntimeStatus = RuntimeStatus.Running;
        instance.CustomStatus = SolveInput.Progress(checkpoint.State).ToJsonString();
        await instances.UpdateAsync(instance, cancellationToken);
        OverheadSeconds += clock.Elapsed.TotalSeconds;

        var state = checkpoint.State;
        while (!state.Finished)
        {
            await strategy.StepAsync(state, context, cancellationToken);
            clock.Restart();
            try
            {
                checkpoint = await checkpoints.SaveAsync(instanceId, state, checkpoint.ETag, cancellationToken);
            }
            catch (CheckpointConflictException)
            {
                Log.Superseded(logger, instanceId, state.Iteration);
                return RunOutcome.Superseded;
            }

            CheckpointBytesWritten += checkpoint.Bytes;
            // A terminate request between steps is honoured before the next one starts.
            var current = await instances.GetAsync(instanceId, cancellationToken);
            if (current is null || current.RuntimeStatus.IsTerminal())
            {
                return RunOutcome.Done;
            }

            current.CustomStatus = SolveInput.Progress(state).ToJsonString();
            await instances.UpdateAsync(current, cancellationToken);
            instance = current;
            OverheadSeconds += clock.Elapsed.TotalSeconds;
        }

        var result = strategy.Finish(state);
        instance.RuntimeStatus = RuntimeStatus.Completed;
        instance.Output = SolveInput.Output(result).ToJsonString();
        await instances.UpdateAsync(instance, cancellationToken);
        Log.Completed(logger, instanceId, result.Answer, state.Iteration);
        return RunOutcome.Done;
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
