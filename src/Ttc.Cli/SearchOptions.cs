using System.CommandLine;
using Ttc.Search;

namespace Ttc.Cli;

/// <summary>The search settings shared by solve and eval, as command-line options.</summary>
internal sealed class SearchOptions
{
    public Option<int> BeamWidth { get; } = new("--beam-width") { Description = "Beam width M (beam search keeps n/M; DVTS runs n/M subtrees).", DefaultValueFactory = _ => 4 };

    public Option<int> NumIterations { get; } = new("--num-iterations") { Description = "Most search steps; the last one writes to the end.", DefaultValueFactory = _ => 40 };

    public Option<int> Lookahead { get; } = new("--lookahead") { Description = "Greedy steps generated past each candidate before scoring it.", DefaultValueFactory = _ => 0 };

    public Option<double> Temperature { get; } = new("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => 0.8 };

    public Option<double> TopP { get; } = new("--top-p") { Description = "Nucleus sampling mass.", DefaultValueFactory = _ => 1.0 };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "Token limit of one generation call.", DefaultValueFactory = _ => 2048 };

    public Option<string> Aggregation { get; } = new("--aggregation") { Description = "Step score aggregation: last, min or prod.", DefaultValueFactory = _ => "last" };

    public Option<bool> FilterDuplicates { get; } = new("--filter-duplicates") { Description = "Beam search: drop beams with the same text." };

    public Option<bool> SortCompleted { get; } = new("--sort-completed") { Description = "Beam search: return finished beams best first." };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of all sampling.", DefaultValueFactory = _ => 42 };

    public Option<string> Generator { get; } = new("--generator") { Description = "Generator: small, large (the shipped models) or a model folder.", DefaultValueFactory = _ => "small" };

    public Option<string> Prm { get; } = new("--prm") { Description = "PRM: prm (the shipped one) or a model folder.", DefaultValueFactory = _ => "prm" };

    public Option<string> Device { get; } = new("--execution-provider") { Description = "ONNX Runtime execution provider: cpu or cuda.", DefaultValueFactory = _ => "cpu" };

    /// <summary>Prints each invalid setting as the option that carries it ("--beam-width: ..."); returns the usage exit code.</summary>
    public static int Report(SearchConfigException ex, TextWriter stderr)
    {
        foreach (var e in ex.Errors)
        {
            var option = string.Concat(e.Field.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));
            stderr.WriteLine($"error: --{option}: {e.Message}");
        }

        return ExitCodes.Usage;
    }

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { BeamWidth, NumIterations, Lookahead, Temperature, TopP, MaxTokens, Aggregation, FilterDuplicates, SortCompleted, Seed, Generator, Prm, Device })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The configuration for <paramref name="strategy"/> at <paramref name="n"/>, or the errors naming the bad options.</summary>
    public SearchConfig Build(ParseResult parse, string strategy, int n, bool fitBeamWidth = false)
    {
        var aggregationName = parse.GetValue(Aggregation);
        if (!ScoreAggregation.TryParse(aggregationName, out var aggregation))
        {
            throw new SearchConfigException([new ConfigError("aggregation", $"must be last, min or prod (got '{aggregationName}')")]);
        }

        int m = parse.GetValue(BeamWidth);
        return new SearchConfig
        {
            Strategy = strategy,
            N = n,
            // A sweep over n starts below M: there one beam of width n is the search.
            BeamWidth = fitBeamWidth ? System.Math.Min(m, n) : m,
            NumIterations = parse.GetValue(NumIterations),
            Lookahead = parse.GetValue(Lookahead),
            Temperature = parse.GetValue(Temperature),
            TopP = parse.GetValue(TopP),
            MaxTokens = parse.GetValue(MaxTokens),
            Aggregation = aggregation,
            FilterDuplicates = parse.GetValue(FilterDuplicates),
            SortCompleted = parse.GetValue(SortCompleted),
            Seed = parse.GetValue(Seed),
        }.EnsureValid();
    }
}
