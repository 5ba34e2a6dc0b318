namespace Ttc.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await Program.RunAsync(args, input, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ttc-test-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, content);
        return path;
    }
}
