using Ttc.Search;

namespace Ttc.Evaluation.Tests;

public class EvalGridTests
{
    private sealed class EchoGenerator : IStepGenerator
    {
        public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<GeneratedStep>>(requests.Select(_ => new GeneratedStep("So $\\boxed{12}$.", StopReason.EndOfSequence, 5, 3)).ToList());
    }

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_ProblemRefusedByAdmit_SkippedWithTheReasonAndTheOthersRun()
    {
        var run = new EvalRun("small", new SearchConfig { Strategy = StrategyNames.Greedy, N = 1 });
        EvalProblem[] problems = [new("a", "Compute 7 + 5.", "12", 1), new("b", "too long", "1", 5), new("c", "Compute 6 + 6.", "12", 2)];
        var outcomes = new List<EvalOutcome>();
        var row = await EvalGrid.RunAsync(
            run,
            problems,
            new SearchContext(new EchoGenerator(), null),
            2,
            (o, _) => { outcomes.Add(o); return Task.CompletedTask; },
            p => p == "too long" ? "problem: the prompt has 900 tokens; the generator 'g' supports 512" : null,
            TestContext.Current.CancellationToken);

        Assert.Equal(3, outcomes.Count);
        var skipped = Assert.Single(outcomes, o => o.Result is null);
        Assert.Equal("b", skipped.Problem.Id);
        var line = skipped.ToJson();
        Assert.Equal("problem: the prompt has 900 tokens; the generator 'g' supports 512", line["skipped"]!.GetValue<string>());
        Assert.False(line.ContainsKey("correct"));

        Assert.Equal(2, row.Accuracy.Problems);
        Assert.Equal(1.0, row.Accuracy.Accuracy);
        var json = row.ToJson();
        Assert.Equal(1, json["skipped"]!.GetValue<int>());
        Assert.Equal("b", json["skippedProblems"]![0]!["uniqueId"]!.GetValue<string>());
        Assert.Contains("1 problem(s) skipped", EvalRow.Markdown([row]), StringComparison.Ordinal);
    }
}
