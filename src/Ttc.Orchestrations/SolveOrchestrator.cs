using Microsoft.DurableTask;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>
/// A solve job, one search iteration per execution: each phase's plan fanned out as activities
/// (chunks of at most maxBatchSize requests, all in flight at once), the answers applied, the progress
/// published, then ContinueAsNew with the new state so that history stays one step long. The tree
/// after each step is written to Blob storage by the next execution, beside its first phase (one
/// round trip less per step); the last step's before the result is returned. Deterministic: no I/O,
/// clock or randomness outside the activities.
/// </summary>
public sealed class SolveOrchestrator : TaskOrchestrator<SolveInput, SearchResult?>
{
    /// <inheritdoc />
    public override async Task<SearchResult?> RunAsync(TaskOrchestrationContext context, SolveInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var strategy = StrategyRegistry.Get(input.Config.Strategy);
        var state = input.State ?? strategy.Start(input.Problem, input.Config);
        var retry = WorkflowRetry.Policy(input.Options);
        var saving = input.State is null ? null : SaveTreeAsync(context, input.State, retry);
        int iteration = state.Iteration;
        while (!state.Finished && state.Iteration == iteration)
        {
            var plan = strategy.Plan(state);
            state = strategy.Apply(state, await RunPhaseAsync(context, plan, input.Options.MaxBatchSize, retry));
        }

        if (saving is not null)
        {
            await saving;
        }

        context.SetCustomStatus(SolveProgress.From(state));
        if (state.Finished)
        {
            await SaveTreeAsync(context, state, retry);
            return strategy.Finish(state);
        }

        context.ContinueAsNew(input with { State = state }, preserveUnprocessedEvents: false);
        return null;
    }

    private static Task<string> SaveTreeAsync(TaskOrchestrationContext context, SearchState state, TaskOptions retry) =>
        context.CallActivityAsync<string>(DurableNames.SaveTreeActivity, new SaveTreeInput(context.InstanceId, state), retry);

    /// <summary>Answers one plan: its requests in chunks, one activity each, all at once; the phase took as long as its slowest chunk.</summary>
    private static async Task<SearchResponses> RunPhaseAsync(TaskOrchestrationContext context, SearchPlan plan, int maxBatchSize, TaskOptions retry)
    {
        if (plan.Generates)
        {
            var chunks = await Task.WhenAll(plan.Generation.Chunk(maxBatchSize).Select(chunk =>
                context.CallActivityAsync<GenerateOutput>(DurableNames.GenerateActivity, new GenerateInput(chunk), retry)));
            return SearchResponses.Generated(chunks.SelectMany(c => c.Results).ToList(), chunks.Select(c => c.Seconds).DefaultIfEmpty().Max());
        }

        var scored = await Task.WhenAll(plan.Scoring.Chunk(maxBatchSize).Select(chunk =>
            context.CallActivityAsync<ScoreOutput>(DurableNames.ScoreActivity, new ScoreInput(chunk), retry)));
        return SearchResponses.Scored(scored.SelectMany(c => c.Results).ToList(), scored.Select(c => c.Seconds).DefaultIfEmpty().Max());
    }
}
