using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Inference;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc solve PROBLEM</c>: one search on the shipped (or named) models.</summary>
internal static class SolveCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var problem = new Argument<string>("problem") { Description = "The problem statement." };
        var strategy = new Option<string>("--strategy") { Description = "greedy, majority, best_of_n, weighted_best_of_n, beam_search or dvts.", DefaultValueFactory = _ => StrategyNames.BeamSearch };
        var n = new Option<int>("--n") { Description = "Samples / beams (the compute budget).", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (answer, completion, compute, completions)." };
        var search = new SearchOptions();
        var command = new Command("solve", "Solve one problem with a test-time-compute strategy and print the answer, the best path and the compute used.") { problem, strategy, n, json };
        search.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(parse, search, parse.GetValue(problem)!, parse.GetValue(strategy)!, parse.GetValue(n), parse.GetValue(json), stdout, stderr, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, SearchOptions search, string problem, string strategy, int n, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(problem))
        {
            stderr.WriteLine("error: the problem must not be empty");
            return ExitCodes.Usage;
        }

        SearchConfig config;
        try
        {
            config = search.Build(parse, strategy, n);
        }
        catch (SearchConfigException ex)
        {
            return SearchOptions.Report(ex, stderr);
        }

        try
        {
            var options = ModelCatalog.Options(parse.GetValue(search.Device)!);
            using var generator = ModelCatalog.OpenGenerator(parse.GetValue(search.Generator)!, options);
            using var prm = StrategyNames.UsesPrm(strategy) ? ModelCatalog.OpenPrm(parse.GetValue(search.Prm)!, options) : null;
            var result = await SearchRunner.SolveAsync(problem, config, new Search.SearchContext(generator.Generator, prm), state =>
            {
                if (!json)
                {
                    stderr.WriteLine($"step {state.Iteration}: {state.Active.Count} live, {state.Completed.Count} finished, {state.Compute.GeneratedTokens} tokens");
                }
            }, ct);
            if (json)
            {
                stdout.WriteLine(ToJson(result, config, generator.CachedPromptTokens).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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

    internal static JsonObject ComputeJson(ComputeUsage c, long cachedPromptTokens) => new()
    {
        ["generatedTokens"] = c.GeneratedTokens,
        ["promptTokens"] = c.PromptTokens,
        ["cachedPromptTokens"] = cachedPromptTokens,
        ["prmTokens"] = c.PrmTokens,
        ["generatorCalls"] = c.GeneratorCalls,
        ["prmCalls"] = c.PrmCalls,
        ["generatedSequences"] = c.GeneratedSequences,
        ["scoredSequences"] = c.ScoredSequences,
        ["generationSeconds"] = System.Math.Round(c.GenerationSeconds, 3),
        ["scoringSeconds"] = System.Math.Round(c.ScoringSeconds, 3),
    };

    private static JsonObject ToJson(SearchResult r, SearchConfig config, long cached) => new()
    {
        ["strategy"] = r.Strategy,
        ["n"] = config.N,
        ["answer"] = r.Answer,
        ["completion"] = r.Completion,
        ["score"] = r.Score,
        ["iterations"] = r.Iterations,
        ["compute"] = ComputeJson(r.Compute, cached),
        ["completions"] = new JsonArray(r.Completions.Select(c => (JsonNode)new JsonObject
        {
            ["text"] = c.Text,
            ["answer"] = c.Answer,
            ["score"] = c.AggregatedScore,
            ["stepScores"] = new JsonArray(c.Scores.Select(s => (JsonNode)System.Math.Round(s, 4)).ToArray()),
            ["generatedTokens"] = c.GeneratedTokens,
        }).ToArray()),
    };

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
