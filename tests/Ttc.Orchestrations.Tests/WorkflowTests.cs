using Microsoft.DurableTask;
using Ttc.Evaluation;
using Ttc.Search;

namespace Ttc.Orchestrations.Tests;

public class WorkflowTests
{
    [Fact]
    public void Policy_DefaultOptions_ThreeAttemptsWithBackOff_PermanentFailuresNotRetried()
    {
        var policy = WorkflowRetry.Policy(new WorkflowOptions()).Retry!.Policy!;
        Assert.Equal(3, policy.MaxNumberOfAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.FirstRetryInterval);
        Assert.Equal(2, policy.BackoffCoefficient);
        // The engine hands the policy its own exception for a failed activity, with the activity's failure inside.
        static Exception Failed(string type) => new DurableTask.Core.Exceptions.TaskFailedException(1, 1, "Generate", string.Empty, "why", null)
        {
            FailureDetails = new DurableTask.Core.FailureDetails(type, "why", null, null, false),
        };
        Assert.False(policy.Handle(Failed(typeof(PermanentActivityException).FullName!)));
        Assert.True(policy.Handle(Failed("System.Net.Http.HttpRequestException")));
        Assert.Null(WorkflowRetry.Policy(new WorkflowOptions(MaxAttempts: 1)).Retry);
    }

    [Fact]
    public void Describe_SkipsTheEnginesWrappers()
    {
        Assert.True(Failures.IsWrapper("Microsoft.DurableTask.TaskFailedException"));
        Assert.False(Failures.IsWrapper("System.Net.Http.HttpRequestException"));
        Assert.Equal("HttpRequestException: refused", Failures.Describe("System.Net.Http.HttpRequestException", "refused"));
        var nested = new TaskFailureDetails("Microsoft.DurableTask.TaskFailedException", "Task 'Generate' failed", null,
            new TaskFailureDetails("System.InvalidOperationException", "model down", null, null, null), null);
        Assert.Equal("InvalidOperationException: model down", BatchOrchestrator.Reason(nested));
    }

    [Fact]
    public void BatchResults_FailedProblem_HasItsReason_SummaryCountsIt()
    {
        var problems = new List<EvalProblem> { new("a", "Compute 1 + 1.", "2", 1), new("b", "Compute 2 + 2.", "4", 2) };
        var solved = new SearchResult("greedy", "2", "\\boxed{2}", null, [], 1, new ComputeUsage { GeneratedTokens = 10 });
        var input = new BatchResultsInput(
            "batch-1",
            new BatchInput("d.jsonl", new SearchConfig { Strategy = StrategyNames.Greedy }, null, 2, new WorkflowOptions()),
            new DatasetContent(problems, [new SkippedLine(3, "not a JSON object")]),
            [new ProblemOutcome(solved, null), new ProblemOutcome(null, "HttpRequestException: refused")]);
        var (results, summary, _) = new WriteBatchResultsActivity(new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true"), new StorageNames("hub")).Build(input);

        // ttc eval's line format: a failed solve is skipped with its reason and left out of accuracy.
        var lines = results.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(EvalLine.TryParse).ToList();
        Assert.True(lines[0]!.Correct);
        Assert.Equal("batch-1-00000", lines[0]!.InstanceId);
        Assert.False(lines[1]!.Correct);
        Assert.Equal("solve failed: HttpRequestException: refused", lines[1]!.Skipped);
        Assert.Equal("batch-1-00001", lines[1]!.InstanceId);
        var row = Assert.Single(summary["rows"]!.AsArray())!;
        Assert.Equal(1.0, row["accuracy"]!.GetValue<double>());
        Assert.Equal("b", row["skippedProblems"]![0]!["uniqueId"]!.GetValue<string>());
        Assert.Equal(1, summary["failed"]!.GetValue<int>());
        Assert.Equal(3, summary["skippedLines"]![0]!["line"]!.GetValue<int>());
        Assert.Equal(10, summary["compute"]!["generatedTokens"]!.GetValue<long>());
    }
}
