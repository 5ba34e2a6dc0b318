using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ttc.Search;

/// <summary>The JSON type a setting takes.</summary>
public enum SearchSettingKind
{
    /// <summary>A whole number.</summary>
    WholeNumber,

    /// <summary>Any number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A string.</summary>
    Text,
}

/// <summary>One field of <see cref="SearchConfig"/> as clients name it.</summary>
/// <param name="Name">The camelCase name (HTTP field; the CLI option is its kebab-case form).</param>
/// <param name="Kind">Its JSON type.</param>
/// <param name="Description">What it does, for help texts.</param>
/// <param name="Default">Its value in a default <see cref="SearchConfig"/>, as text.</param>
public sealed record SearchSetting(string Name, SearchSettingKind Kind, string Description, string Default)
{
    /// <summary>The command-line option: "--beam-width" for "beamWidth".</summary>
    public string OptionName => "--" + string.Concat(Name.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>
/// The one mapping from client input (HTTP body fields, command-line options) to a
/// <see cref="SearchConfig"/>: absent fields keep <see cref="SearchConfig"/>'s own defaults, and every
/// problem is reported as an error naming its field.
/// </summary>
public static class SearchSettings
{
    private static readonly SearchConfig Defaults = new();

    private static readonly Dictionary<string, (SearchSetting Setting, Func<SearchConfig, JsonNode, SearchConfig?> Set)> ByName = new (SearchSetting, Func<SearchConfig, JsonNode, SearchConfig?>)[]
    {
        (Setting("strategy", SearchSettingKind.Text, "Strategy: " + string.Join(", ", StrategyNames.All) + ".", Defaults.Strategy), (c, v) => Text(v) is { } s ? c with { Strategy = s } : null),
        (Setting("n", SearchSettingKind.WholeNumber, "Samples or beams (the compute budget).", Defaults.N), (c, v) => Int(v) is { } i ? c with { N = i } : null),
        (Setting("beamWidth", SearchSettingKind.WholeNumber, "Beam width M: beam search keeps n/M beams, DVTS runs n/M subtrees.", Defaults.BeamWidth), (c, v) => Int(v) is { } i ? c with { BeamWidth = i } : null),
        (Setting("numIterations", SearchSettingKind.WholeNumber, "Most search steps; the last one writes to the end.", Defaults.NumIterations), (c, v) => Int(v) is { } i ? c with { NumIterations = i } : null),
        (Setting("lookahead", SearchSettingKind.WholeNumber, "Greedy steps generated past each candidate before scoring it.", Defaults.Lookahead), (c, v) => Int(v) is { } i ? c with { Lookahead = i } : null),
        (Setting("temperature", SearchSettingKind.Number, "Sampling temperature.", Defaults.Temperature), (c, v) => Number(v) is { } d ? c with { Temperature = d } : null),
        (Setting("topP", SearchSettingKind.Number, "Nucleus sampling mass.", Defaults.TopP), (c, v) => Number(v) is { } d ? c with { TopP = d } : null),
        (Setting("maxTokens", SearchSettingKind.WholeNumber, "Token limit of one generation call.", Defaults.MaxTokens), (c, v) => Int(v) is { } i ? c with { MaxTokens = i } : null),
        (Setting("stepSeparator", SearchSettingKind.Text, "Text that ends a step.", Defaults.StepSeparator.Replace("\n", "\\n", StringComparison.Ordinal)), (c, v) => Text(v) is { } s ? c with { StepSeparator = s } : null),
        (Setting("aggregation", SearchSettingKind.Text, "Step score aggregation: last, min or prod.", "last"), (c, v) => Text(v) is { } s && ScoreAggregation.TryParse(s, out var a) ? c with { Aggregation = a } : null),
        (Setting("filterDuplicates", SearchSettingKind.Boolean, "Beam search: drop beams with the same text.", Defaults.FilterDuplicates), (c, v) => Bool(v) is { } b ? c with { FilterDuplicates = b } : null),
        (Setting("sortCompleted", SearchSettingKind.Boolean, "Beam search: return finished beams best first.", Defaults.SortCompleted), (c, v) => Bool(v) is { } b ? c with { SortCompleted = b } : null),
        (Setting("seed", SearchSettingKind.WholeNumber, "Seed of all sampling.", Defaults.Seed), (c, v) => Long(v) is { } l ? c with { Seed = l } : null),
        (Setting("rebaseTemperature", SearchSettingKind.Number, "REBASE: softmax temperature that shares the budget among nodes by score.", SearchConfig.DefaultRebaseTemperature), (c, v) => Number(v) is { } d ? c with { RebaseTemperature = d } : null),
        (Setting("adaptiveRound", SearchSettingKind.WholeNumber, "Sampling strategies: draw samples in rounds of this many and stop once the rest could not change the vote (0: all at once).", Defaults.AdaptiveRound), (c, v) => Int(v) is { } i ? c with { AdaptiveRound = i } : null),
    }.ToDictionary(x => x.Item1.Name, StringComparer.Ordinal);

    /// <summary>Every setting, in help order.</summary>
    public static IReadOnlyList<SearchSetting> All { get; } = ByName.Values.Select(x => x.Setting).ToList();

    /// <summary>Whether <paramref name="name"/> is a setting's name.</summary>
    public static bool IsSetting(string name) => ByName.ContainsKey(name);

    /// <summary>
    /// <paramref name="defaults"/> (default: a new <see cref="SearchConfig"/>) with <paramref name="values"/>
    /// applied, then validated (n at most <paramref name="maxN"/>). Values that are not settings are ignored;
    /// each invalid one adds one error naming it. The result is only usable when no error was added.
    /// </summary>
    public static SearchConfig Bind(IEnumerable<KeyValuePair<string, JsonNode?>> values, ICollection<ConfigError> errors, SearchConfig? defaults = null, int maxN = SearchConfig.MaxN)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        var config = defaults ?? new SearchConfig();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (!ByName.TryGetValue(name, out var entry) || value is null)
            {
                continue;
            }

            if (entry.Set(config, value) is { } next)
            {
                config = next;
            }
            else
            {
                failed.Add(name);
                errors.Add(new ConfigError(name, Expected(entry.Setting, value)));
            }
        }

        foreach (var e in config.Validate(maxN).Where(e => !failed.Contains(e.Field)))
        {
            errors.Add(e);
        }

        return config;
    }

    /// <summary>Like <see cref="Bind"/>, but throws <see cref="SearchConfigException"/> listing every error.</summary>
    public static SearchConfig BindOrThrow(IEnumerable<KeyValuePair<string, JsonNode?>> values, SearchConfig? defaults = null, int maxN = SearchConfig.MaxN)
    {
        var errors = new List<ConfigError>();
        var config = Bind(values, errors, defaults, maxN);
        return errors.Count == 0 ? config : throw new SearchConfigException(errors);
    }

    private static SearchSetting Setting(string name, SearchSettingKind kind, string description, object value) =>
        new(name, kind, description, value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture)!);

    private static string Expected(SearchSetting s, JsonNode value)
    {
        var got = value.ToJsonString();
        return s.Name == "aggregation" && Text(value) is { } text
            ? $"unknown aggregation '{text}'; expected last, min or prod"
            : s.Kind switch
            {
                SearchSettingKind.WholeNumber => $"must be a whole number (got {got})",
                SearchSettingKind.Number => $"must be a number (got {got})",
                SearchSettingKind.Boolean => $"must be true or false (got {got})",
                _ => $"must be a string (got {got})",
            };
    }

    private static string? Text(JsonNode v) => v is JsonValue j && j.GetValueKind() == JsonValueKind.String ? j.GetValue<string>() : null;

    // Parsed from the JSON text, so a value built in code (an int) reads the same as one parsed from a body.
    private static double? Number(JsonNode v) =>
        v is JsonValue j && j.GetValueKind() == JsonValueKind.Number && double.TryParse(j.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static long? Long(JsonNode v) =>
        v is JsonValue j && j.GetValueKind() == JsonValueKind.Number && long.TryParse(j.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;

    private static int? Int(JsonNode v) => Long(v) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    private static bool? Bool(JsonNode v) => v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
