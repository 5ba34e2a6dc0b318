using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Ttc.Orchestrations;
using Ttc.Search;

namespace TtcFunctions.Functions;

/// <summary>
/// The orchestration and activity functions: one-line wrappers over the shared classes (what the
/// Microsoft.DurableTask source generator would write), named by <see cref="DurableNames"/> as both hosts schedule them.
/// </summary>
internal static class DurableFunctions
{
    [Function(DurableNames.SolveOrchestrator)]
    public static Task<SearchResult?> RunSolveOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SolveOrchestrator().RunAsync(context, context.GetInput<SolveInput>()!);

    [Function(DurableNames.BatchOrchestrator)]
    public static Task<JsonObject> RunBatchOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new BatchOrchestrator().RunAsync(context, context.GetInput<BatchInput>()!);

    // Activity wrappers are typed as the orchestrators call them (the Durable analyzers check it); a Functions
    // activity receives only its input, so its context is built from the binding data (the instance id).
    [Function(DurableNames.GenerateActivity)]
    public static Task<GenerateOutput> Generate([ActivityTrigger] GenerateInput input, string instanceId, FunctionContext executionContext) =>
        Run<GenerateActivity, GenerateInput, GenerateOutput>(DurableNames.GenerateActivity, input, instanceId, executionContext);

    [Function(DurableNames.ScoreActivity)]
    public static Task<ScoreOutput> Score([ActivityTrigger] ScoreInput input, string instanceId, FunctionContext executionContext) =>
        Run<ScoreActivity, ScoreInput, ScoreOutput>(DurableNames.ScoreActivity, input, instanceId, executionContext);

    [Function(DurableNames.SaveTreeActivity)]
    public static Task<string> SaveTree([ActivityTrigger] SaveTreeInput input, string instanceId, FunctionContext executionContext) =>
        Run<SaveTreeActivity, SaveTreeInput, string>(DurableNames.SaveTreeActivity, input, instanceId, executionContext);

    [Function(DurableNames.ReadDatasetActivity)]
    public static Task<DatasetContent> ReadDataset([ActivityTrigger] ReadDatasetInput input, string instanceId, FunctionContext executionContext) =>
        Run<ReadDatasetActivity, ReadDatasetInput, DatasetContent>(DurableNames.ReadDatasetActivity, input, instanceId, executionContext);

    [Function(DurableNames.WriteBatchResultsActivity)]
    public static Task<JsonObject> WriteBatchResults([ActivityTrigger] BatchResultsInput input, string instanceId, FunctionContext executionContext) =>
        Run<WriteBatchResultsActivity, BatchResultsInput, JsonObject>(DurableNames.WriteBatchResultsActivity, input, instanceId, executionContext);

    private static async Task<TOutput> Run<TActivity, TInput, TOutput>(string name, TInput input, string instanceId, FunctionContext executionContext)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(executionContext.InstanceServices);
        return await activity.RunAsync(new FunctionsActivityContext(name, instanceId), input);
    }

    private sealed class FunctionsActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
