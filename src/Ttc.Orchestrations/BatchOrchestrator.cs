using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>
/// A batch run: reads the dataset (activity), runs one solve sub-orchestration per problem with at
/// most <see cref="BatchInput.MaxConcurrentSolves"/> in flight, publishes progress, and writes
/// results.jsonl and summary.json (activity). Solve ids derive from the batch id, so a replay
/// schedules the same children.
/// </summary>
public sealed class BatchOrchestrator : TaskOrchestrator<BatchInput, JsonObject>
{
    /// <summary>The instance id of problem <paramref name="index"/>'s solve.</summary>
    public static string SolveId(string batchId, int index) => string.Create(CultureInfo.InvariantCulture, $"{batchId}-{index:D5}");

    /// <inheritdoc />
    public override async Task<JsonObject> RunAsync(TaskOrchestrationContext context, BatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = WorkflowRetry.Policy(input.Options);
        var dataset = await context.CallActivityAsync<DatasetContent>(DurableNames.ReadDatasetActivity, new ReadDatasetInput(input.Dataset, input.Limit), retry);
        var problems = dataset.Problems;
        var outcomes = new ProblemOutcome?[problems.Count];
        var inFlight = new Dictionary<Task<SearchResult?>, int>();
        int next = 0, completed = 0, failed = 0;
        while (next < problems.Count || inFlight.Count > 0)
        {
            while (next < problems.Count && inFlight.Count < System.Math.Max(1, input.MaxConcurrentSolves))
            {
                var solve = new SolveInput(problems[next].Problem, input.Config, input.Options);
                var task = context.CallSubOrchestratorAsync<SearchResult?>(
                    DurableNames.SolveOrchestrator, solve, new SubOrchestrationOptions { InstanceId = SolveId(context.InstanceId, next) });
                inFlight.Add(task, next++);
            }

            var finished = await Task.WhenAny(inFlight.Keys);
            int index = inFlight[finished];
            inFlight.Remove(finished);
            try
            {
                outcomes[index] = new ProblemOutcome(await finished, null);
                completed++;
            }
            catch (TaskFailedException ex)
            {
                outcomes[index] = new ProblemOutcome(null, Reason(ex.FailureDetails));
                failed++;
            }

            context.SetCustomStatus(new BatchProgress(problems.Count, completed + failed, completed, failed, inFlight.Count));
        }

        return await context.CallActivityAsync<JsonObject>(
            DurableNames.WriteBatchResultsActivity, new BatchResultsInput(context.InstanceId, input, dataset, outcomes!), retry);
    }

    /// <summary>Why a solve failed (see <see cref="Failures"/>).</summary>
    internal static string Reason(TaskFailureDetails details)
    {
        var failure = details;
        while (failure.InnerFailure is not null && Failures.IsWrapper(failure.ErrorType))
        {
            failure = failure.InnerFailure;
        }

        return Failures.Describe(failure.ErrorType, failure.ErrorMessage);
    }
}
