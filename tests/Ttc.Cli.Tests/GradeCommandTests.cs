using System.Text.Json.Nodes;

namespace Ttc.Cli.Tests;

public class GradeCommandTests
{
    [Fact(Timeout = 120_000)]
    public async Task Grade_Stdin_AddsVerdictAndEchoesFields()
    {
        var input = """
            {"id": 7, "prediction": "so it is \\boxed{\\frac12}", "answer": "0.5"}
            {"id": 8, "prediction": "The answer is 3", "answer": "4"}
            """;
        var (code, stdout, _) = await CliRunner.RunAsync(input, "grade");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(7, lines[0]["id"]!.GetValue<int>());
        Assert.True(lines[0]["correct"]!.GetValue<bool>());
        Assert.Equal("\\frac12", lines[0]["extracted"]!.GetValue<string>());
        Assert.Equal("\\frac{1}{2}", lines[0]["normalized"]!.GetValue<string>());
        Assert.False(lines[1]["correct"]!.GetValue<bool>());
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_MalformedLines_ReportedWithLineNumberAndSkipped()
    {
        var input = "{\"prediction\": \"\\\\boxed{1}\", \"answer\": \"1\"}\nnot json\n{\"prediction\": \"x\"}\n{\"prediction\": 5, \"answer\": \"1\"}\n{\"prediction\": \"\\\\boxed{2}\", \"answer\": \"2\"}\n";
        var (code, stdout, stderr) = await CliRunner.RunAsync(input, "grade", "-");
        Assert.Equal(3, code);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("line 2: invalid JSON", stderr, StringComparison.Ordinal);
        Assert.Contains("line 3: missing field 'answer'", stderr, StringComparison.Ordinal);
        Assert.Contains("line 4: field 'prediction' must be a string", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_File_ReadsTheFile()
    {
        var path = CliRunner.TempFile("{\"prediction\": \"\\\\boxed{10}\", \"answer\": \"10\"}\n");
        try
        {
            var (code, stdout, _) = await CliRunner.RunAsync(string.Empty, "grade", path);
            Assert.Equal(0, code);
            Assert.Contains("\"correct\":true", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_MissingFile_ErrorNamesIt()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "grade", "/no/such/file.jsonl");
        Assert.Equal(1, code);
        Assert.Contains("/no/such/file.jsonl", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_PercentModes_StrictByDefaultLenientOnRequest()
    {
        // A gold of 45 and a predicted 45%: Math-Verify reads 45% as 0.45, the MATH convention drops the sign.
        var input = "{\"prediction\": \"so \\\\boxed{45\\\\%}\", \"answer\": \"45\"}\n";
        var (strictCode, strictOut, _) = await CliRunner.RunAsync(input, "grade");
        var (lenientCode, lenientOut, _) = await CliRunner.RunAsync(input, "grade", "--percent", "lenient");
        Assert.Equal(0, strictCode);
        Assert.Equal(0, lenientCode);
        Assert.False(JsonNode.Parse(strictOut)!["correct"]!.GetValue<bool>());
        Assert.True(JsonNode.Parse(lenientOut)!["correct"]!.GetValue<bool>());
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_BadPercentMode_UsageErrorNamesOption()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "grade", "--percent", "half");
        Assert.Equal(2, code);
        Assert.Contains("--percent", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Grade_UnboxedAnswer_ExtractedAsMathVerifyWould()
    {
        var input = "{\"prediction\": \"Final Answer: The largest $n$ is 34.\", \"answer\": \"34\"}\n";
        var (code, stdout, _) = await CliRunner.RunAsync(input, "grade");
        Assert.Equal(0, code);
        var line = JsonNode.Parse(stdout)!.AsObject();
        Assert.True(line["correct"]!.GetValue<bool>());
        Assert.Equal("34", line["extracted"]!.GetValue<string>());
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownCommand_UsageError()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(string.Empty, "frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("frobnicate", stderr, StringComparison.Ordinal);
    }
}
