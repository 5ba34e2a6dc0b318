using System.CommandLine;
using Ttc.Cli.Commands;

namespace Ttc.Cli;

/// <summary>Entry point of <c>ttc</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>Runs the command line against the given streams (tests call this directly).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("ttc: test-time compute for math reasoning (grading, replay, search, evaluation)")
        {
            GradeCommand.Create(stdin, stdout, stderr),
            ReplayCommand.Create(stdout, stderr),
            SolveCommand.Create(stdout, stderr),
            EvalCommand.Create(stdout, stderr),
            FitPolicyCommand.Create(stdout, stderr),
            BenchCommand.Create(stdout, stderr),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                stderr.WriteLine("error: " + e.Message);
            }

            stderr.WriteLine("Run 'ttc --help' for usage.");
            return ExitCodes.Usage;
        }

        // On Ctrl-C, eval finishes the model batch in flight, keeps its results and writes its summary: give it time.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
    }
}
