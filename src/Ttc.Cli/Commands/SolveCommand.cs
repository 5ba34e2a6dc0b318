using System.CommandLine;
using System.Text.Json;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc solve PROBLEM</c>: one search on the shipped (or named) models.</summary>
internal static class SolveCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problem = new Argument<string>("problem") { Description = "The problem statement." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (answer, completion, compute, completions), as the service's job output has it." };
        var search = new SearchOptions();
        var command = new Command("solve", "Solve one problem with a test-time-compute strategy and print the answer, the best path and the compute used.") { problem, json };
        search.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, search, parse.GetValue(problem)!, parse.GetValue(json), stdout, stderr, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, SearchOptions search, string problem, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(problem))
        {
            stderr.WriteLine("error: the problem must not be empty");
            return ExitCodes.Usage;
        }

        SearchConfig config;
        try
        {
            config = SearchSettings.BindOrThrow(search.Given(parse));
        }
        catch (SearchConfigException ex)
        {
            return SearchOptions.Report(ex, stderr);
        }

        try
        {
            var options = ModelCatalog.Options(parse.GetValue(search.Device)!);
            using var generator = ModelCatalog.OpenGenerator(parse.GetValue(search.Generator)!, options);
            using var prm = StrategyNames.UsesPrm(config.Strategy) ? ModelCatalog.OpenPrm(parse.GetValue(search.Prm)!, options) : null;
            if (PromptBudget.For(generator.Onnx, prm).Check(problem) is { } tooLong)
            {
                // Rejected before any work, like a bad setting: the message has both token counts.
                stderr.WriteLine("error: " + tooLong);
                return ExitCodes.Usage;
            }

            var result = await SearchRunner.SolveAsync(problem, config, new Search.SearchContext(generator.Generator, prm), state =>
            {
                if (!json)
                {
                    stderr.WriteLine($"step {state.Iteration}: {state.Active.Count} live, {state.Completed.Count} finished, {state.Compute.GeneratedTokens} tokens");
                }
            }, ct);
            if (json)
            {
                var output = result.ToJson();
                // A property of this process's generator, not of the search: beside the result, not in its compute.
                output["cachedPromptTokens"] = generator.CachedPromptTokens;
                stdout.WriteLine(output.ToJsonString(new JsonSerializerOptions(TtcJson.Options) { WriteIndented = true }));
            }
            else
            {
                WriteText(result, generator.CachedPromptTokens, stdout);
            }

            return ExitCodes.Ok;
        }
        catch (ModelLoadException ex)
        {
            stderr.WriteLine("error: " + ex.Message);
            return ExitCodes.Error;
        }
    }

    private static void WriteText(SearchResult r, long cached, TextWriter stdout)
    {
        stdout.WriteLine($"answer: {r.Answer ?? "(none)"}");
        stdout.WriteLine($"strategy: {r.Strategy}, {r.Completions.Count} completion(s), {r.Iterations} iteration(s)" + (r.Score is { } s ? $", best score {s:F3}" : string.Empty));
        stdout.WriteLine("best path:");
        foreach (var line in r.Completion.Split('\n'))
        {
            stdout.WriteLine("  " + line);
        }

        var c = r.Compute;
        stdout.WriteLine($"compute: {c.GeneratedTokens} generated tokens ({c.GeneratorCalls} generator calls, {cached} prompt tokens reused from cache), "
            + $"{c.PrmTokens} PRM tokens ({c.PrmCalls} calls); {c.GenerationSeconds:F2} s generating, {c.ScoringSeconds:F2} s scoring");
    }
}
