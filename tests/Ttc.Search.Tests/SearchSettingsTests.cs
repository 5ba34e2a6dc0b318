using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ttc.Search.Tests;

public class SearchSettingsTests
{
    private static (SearchConfig Config, List<ConfigError> Errors) Bind(string json, int maxN = SearchConfig.MaxN)
    {
        var errors = new List<ConfigError>();
        var config = SearchSettings.Bind(JsonNode.Parse(json)!.AsObject(), errors, maxN: maxN);
        return (config, errors);
    }

    [Fact]
    public void Bind_Nothing_GivesSearchConfigsOwnDefaults()
    {
        var (config, errors) = Bind("{}");
        Assert.Empty(errors);
        Assert.Equal(new SearchConfig(), config);
    }

    [Fact]
    public void Bind_EveryField_Applied()
    {
        var (config, errors) = Bind("""
            {"strategy": "dvts", "n": 8, "beamWidth": 2, "numIterations": 5, "lookahead": 1, "temperature": 0.5, "topP": 0.9,
             "maxTokens": 100, "stepSeparator": "\n", "aggregation": "MIN", "filterDuplicates": true, "sortCompleted": true, "seed": 9007199254740993}
            """);
        Assert.Empty(errors);
        Assert.Equal(new SearchConfig
        {
            Strategy = "dvts", N = 8, BeamWidth = 2, NumIterations = 5, Lookahead = 1, Temperature = 0.5, TopP = 0.9, MaxTokens = 100,
            StepSeparator = "\n", Aggregation = AggregationStrategy.Min, FilterDuplicates = true, SortCompleted = true, Seed = 9007199254740993,
        }, config);
    }

    [Theory]
    [InlineData("""{"n": "4"}""", "n", "must be a whole number (got \"4\")")]
    [InlineData("""{"n": 4.5}""", "n", "must be a whole number (got 4.5)")]
    [InlineData("""{"temperature": true}""", "temperature", "must be a number (got true)")]
    [InlineData("""{"filterDuplicates": 1}""", "filterDuplicates", "must be true or false (got 1)")]
    [InlineData("""{"aggregation": "mean"}""", "aggregation", "unknown aggregation 'mean'; expected last, min or prod")]
    [InlineData("""{"strategy": "magic"}""", "strategy", "unknown strategy 'magic'")]
    [InlineData("""{"n": 6, "beamWidth": 4}""", "n", "must be a multiple of beamWidth")]
    public void Bind_BadValue_OneErrorNamingTheField(string json, string field, string message)
    {
        var (_, errors) = Bind(json);
        var e = Assert.Single(errors);
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_NAboveTheHostsCap_Refused()
    {
        var (_, errors) = Bind("""{"n": 64}""", maxN: 16);
        Assert.Equal("n: must be at most 16 (got 64)", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Bind_OtherFields_Ignored()
    {
        var (_, errors) = Bind("""{"problem": "x", "limit": 3}""");
        Assert.Empty(errors);
    }

    [Fact]
    public void All_OptionNames_AreKebabCaseOfTheFields()
    {
        Assert.Contains(SearchSettings.All, s => s.Name == "beamWidth" && s.OptionName == "--beam-width");
        Assert.All(SearchSettings.All, s => Assert.True(SearchSettings.IsSetting(s.Name)));
        Assert.Equal("4", SearchSettings.All.Single(s => s.Name == "n").Default);
    }

    [Fact]
    public void TtcJson_CamelCaseAndEnumNames_RoundTrip()
    {
        var config = new SearchConfig { Aggregation = AggregationStrategy.Prod, BeamWidth = 2, N = 2 };
        var json = JsonSerializer.Serialize(config, TtcJson.Options);
        Assert.Contains("\"beamWidth\":2", json, StringComparison.Ordinal);
        Assert.Contains("\"aggregation\":\"prod\"", json, StringComparison.Ordinal);
        Assert.Equal(config, JsonSerializer.Deserialize<SearchConfig>(json, TtcJson.Options));
    }

    [Fact]
    public void SearchResult_ToJsonThenFromJson_SameResult()
    {
        var result = new SearchResult("best_of_n", "3", "so \\boxed{3}", 0.9,
            [new Completion("so \\boxed{3}", [0.5, 0.9], 0.9, "3", StopReason.EndOfSequence, 12)], 1, new ComputeUsage { GeneratedTokens = 12, PrmCalls = 1 });
        var json = result.ToJson();
        Assert.Equal("endOfSequence", json["completions"]![0]!["stopReason"]!.GetValue<string>());
        var back = SearchResult.FromJson(json);
        Assert.Equal(result.Answer, back.Answer);
        Assert.Equal(result.Completions[0].Scores, back.Completions[0].Scores);
        Assert.Equal(12, back.Compute.GeneratedTokens);
    }
}
