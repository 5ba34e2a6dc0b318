using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Cli;

/// <summary>
/// The search settings as command-line options, one per <see cref="SearchSettings.All"/> entry
/// (--beam-width for beamWidth), bound by <see cref="SearchSettings.Bind"/> so that defaults and
/// checks are <see cref="SearchConfig"/>'s own; plus the model options solve and eval share.
/// </summary>
internal sealed class SearchOptions
{
    private readonly Dictionary<string, Option> _settings = [];

    /// <summary>Options for every setting except those in <paramref name="except"/> (which the command declares its own way).</summary>
    public SearchOptions(params string[] except)
    {
        foreach (var s in SearchSettings.All.Where(s => !except.Contains(s.Name)))
        {
            var description = $"{s.Description} Default: {s.Default}.";
            _settings[s.Name] = s.Kind == SearchSettingKind.Boolean
                ? new Option<bool>(s.OptionName) { Description = description }
                : new Option<string>(s.OptionName) { Description = description };
        }
    }

    public Option<string> Generator { get; } = new("--generator") { Description = "Generator: small, large (the shipped models), a model folder, or an OpenAI-compatible server URL.", DefaultValueFactory = _ => "small" };

    public Option<string> Prm { get; } = new("--prm") { Description = "PRM: prm (the shipped one) or a model folder.", DefaultValueFactory = _ => "prm" };

    public Option<string> Device { get; } = new("--execution-provider") { Description = "ONNX Runtime execution provider: cpu, cuda (the GPU build) or auto (CUDA when it loads, else the CPU).", DefaultValueFactory = _ => "cpu" };

    public Option<string> Policy { get; } = new("--policy") { Description = "compute_optimal: the policy file (difficulty bins and what to run in each; ttc fit-policy writes one). Default: the shipped models/policy.json." };

    /// <summary>The seed option (eval reports it).</summary>
    public Option Seed => _settings["seed"];

    /// <summary>Prints each invalid setting as the option that carries it ("--beam-width: ..."); returns the usage exit code.</summary>
    public static int Report(SearchConfigException ex, TextWriter stderr)
    {
        foreach (var e in ex.Errors)
        {
            var option = SearchSettings.All.FirstOrDefault(s => s.Name == e.Field)?.OptionName ?? "--" + e.Field;
            stderr.WriteLine($"error: {option}: {e.Message}");
        }

        return ExitCodes.Usage;
    }

    public void AddTo(Command command)
    {
        foreach (var o in _settings.Values.Append(Generator).Append(Prm).Append(Device).Append(Policy))
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The values the user gave, as the JSON the binder reads (numbers parsed, other text as strings).</summary>
    public Dictionary<string, JsonNode?> Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, option) in _settings)
        {
            if (parse.GetResult(option) is not { Implicit: false })
            {
                continue;
            }

            values[name] = option switch
            {
                Option<bool> flag => JsonValue.Create(parse.GetValue(flag)),
                Option<string> text => Literal(parse.GetValue(text) ?? string.Empty),
                _ => null,
            };
        }

        return values;
    }

    /// <summary>The configuration the options give (compute_optimal with its policy file); throws with every bad option.</summary>
    public SearchConfig Bind(ParseResult parse) => Bind(parse, Given(parse));

    /// <summary>The configuration for <paramref name="strategy"/> at <paramref name="n"/>; throws with every bad option.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="n">The budget.</param>
    /// <param name="seed">The seed, when not the option's.</param>
    /// <param name="fitBeamWidth">A sweep over n starts below M: there one beam of width n is the search.</param>
    public SearchConfig Build(ParseResult parse, string strategy, int n, long? seed = null, bool fitBeamWidth = false)
    {
        var values = Given(parse);
        values["strategy"] = strategy;
        values["n"] = n;
        if (seed is { } s)
        {
            values["seed"] = s;
        }

        if (fitBeamWidth)
        {
            // The width alone: a bad value is reported by the full bind below.
            var width = SearchSettings.Bind(values.Where(v => v.Key == "beamWidth"), new List<ConfigError>()).BeamWidth;
            values["beamWidth"] = System.Math.Min(width, n);
        }

        return Bind(parse, values);
    }

    private SearchConfig Bind(ParseResult parse, Dictionary<string, JsonNode?> values)
    {
        bool computeOptimal = values.TryGetValue("strategy", out var s) && s is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == StrategyNames.ComputeOptimal;
        return SearchSettings.BindOrThrow(values, computeOptimal ? new SearchConfig { Policy = _policy ??= LoadPolicy(parse.GetValue(Policy)) } : null);
    }

    private ComputeOptimalPolicy? _policy;

    /// <summary>The policy file at <paramref name="path"/> (null: the shipped one), or a usage error naming --policy.</summary>
    public static ComputeOptimalPolicy LoadPolicy(string? path)
    {
        path ??= ModelCatalog.DefaultPolicy();
        if (!File.Exists(path))
        {
            throw new SearchConfigException([new ConfigError("policy", $"file '{path}' does not exist (ttc fit-policy writes one)")]);
        }

        try
        {
            return ComputeOptimalPolicy.FromJson(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new SearchConfigException([new ConfigError("policy", $"'{path}' is not a policy file: {ex.Message}")]);
        }
    }

    // A number stays a number and anything else a string, so "--n 4" is 4 and "--n four" is reported as not a number.
    private static JsonNode Literal(string text)
    {
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            try
            {
                return JsonNode.Parse(text)!;
            }
            catch (JsonException)
            {
                // "1." or "+1" parse as numbers but are not JSON: keep the text.
            }
        }

        return JsonValue.Create(text);
    }
}
