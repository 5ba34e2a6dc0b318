using Ttc.TestSupport;

namespace Ttc.Evaluation.Tests;

public class DatasetTests
{
    private static List<EvalProblem> Read(string text, List<SkippedLine>? skipped = null, int? limit = null) =>
        Dataset.Read(new StringReader(text), limit, skipped is null ? null : skipped.Add);

    [Fact]
    public void Read_Math500Shape_TakesProblemAnswerLevelAndId()
    {
        var p = Assert.Single(Read("""{"problem": "Find x.", "solution": "... \\boxed{3}", "answer": "3", "subject": "Algebra", "level": 2, "unique_id": "test/algebra/1.json"}"""));
        Assert.Equal(new EvalProblem("test/algebra/1.json", "Find x.", "3", 2), p);
    }

    [Fact]
    public void Read_Gsm8kShape_AnswerIsWhatFollowsTheHashes()
    {
        var p = Assert.Single(Read("""{"question": "How many?", "answer": "First 2 + 3 = 5.\n#### 1,005", "idx": 7}"""));
        Assert.Equal(new EvalProblem("7", "How many?", "1005", null), p);
    }

    [Fact]
    public void Read_NumericAnswerAndLevelText_Accepted()
    {
        var p = Assert.Single(Read("""{"id": "amc/1", "problem": "Compute.", "answer": 27.5, "level": "Level 4"}"""));
        Assert.Equal("27.5", p.Answer);
        Assert.Equal(4, p.Level);
    }

    [Fact]
    public void Read_NoAnswerField_TakesTheSolutionsBoxedAnswer()
    {
        var p = Assert.Single(Read("""{"problem": "P", "solution": "so $\\boxed{\\frac{1}{2}}$."}"""));
        Assert.Equal("\\frac{1}{2}", p.Answer);
        Assert.Equal("line 1", p.Id);
    }

    [Fact]
    public void Read_MalformedLines_ReportedWithNumberAndReason()
    {
        var skipped = new List<SkippedLine>();
        var problems = Read("{\"problem\": \"a\", \"answer\": \"1\"}\nnot json\n\n[1]\n{\"answer\": \"2\"}\n{\"problem\": \"b\"}\n", skipped);
        Assert.Single(problems);
        Assert.Equal([2, 4, 5, 6], skipped.Select(s => s.Line));
        Assert.StartsWith("invalid JSON", skipped[0].Reason, StringComparison.Ordinal);
        Assert.Equal("not a JSON object", skipped[1].Reason);
        Assert.Contains("'problem'", skipped[2].Reason, StringComparison.Ordinal);
        Assert.Contains("'answer'", skipped[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Limit_StopsEarly()
    {
        var text = string.Concat(Enumerable.Range(0, 5).Select(i => $"{{\"problem\": \"p{i}\", \"answer\": \"{i}\"}}\n"));
        Assert.Equal(["p0", "p1"], Read(text, limit: 2).Select(p => p.Problem));
    }

    [Fact]
    public void Read_ShippedSyntheticSet_500ProblemsWithLevels()
    {
        using var reader = new StreamReader(Path.Combine(SharedData.RepoRoot, "models", "synthetic-test.jsonl"));
        var problems = Dataset.Read(reader);
        Assert.Equal(500, problems.Count);
        Assert.All(problems, p => Assert.InRange(p.Level!.Value, 1, 5));
    }

    [Theory]
    [InlineData("math500.jsonl", 500)]
    [InlineData("gsm8k_test.jsonl", 1319)]
    [InlineData("aime24.jsonl", 30)]
    [InlineData("amc23.jsonl", 40)]
    public void Read_SharedDatasets_EveryLineLoads(string file, int count)
    {
        var skipped = new List<SkippedLine>();
        using var reader = new StreamReader(SharedData.Require(file));
        var problems = Dataset.Read(reader, skipped: skipped.Add);
        Assert.Empty(skipped);
        Assert.Equal(count, problems.Count);
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Answer)));
    }
}
