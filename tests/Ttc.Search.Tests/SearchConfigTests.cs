namespace Ttc.Search.Tests;

public class SearchConfigTests
{
    [Fact]
    public void Validate_Defaults_AreTheReferences()
    {
        var c = new SearchConfig();
        Assert.Empty(c.Validate());
        Assert.Equal((4, 4, 40, 0, 0.8, 1.0, 2048, "\n\n", AggregationStrategy.Last, false, false),
            (c.N, c.BeamWidth, c.NumIterations, c.Lookahead, c.Temperature, c.TopP, c.MaxTokens, c.StepSeparator, c.Aggregation, c.FilterDuplicates, c.SortCompleted));
    }

    [Theory]
    [InlineData(StrategyNames.BeamSearch)]
    [InlineData(StrategyNames.Dvts)]
    public void Validate_NotMultipleOfBeamWidth_NamesN(string strategy)
    {
        var errors = new SearchConfig { Strategy = strategy, N = 6, BeamWidth = 4 }.Validate();
        var e = Assert.Single(errors);
        Assert.Equal("n", e.Field);
        Assert.Contains("multiple of beamWidth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BestOfNWithOddN_IsValid() =>
        Assert.Empty(new SearchConfig { Strategy = StrategyNames.BestOfN, N = 6, BeamWidth = 4 }.Validate());

    [Theory]
    [InlineData("strategy")]
    [InlineData("temperature")]
    [InlineData("topP")]
    [InlineData("maxTokens")]
    [InlineData("numIterations")]
    [InlineData("lookahead")]
    [InlineData("beamWidth")]
    [InlineData("stepSeparator")]
    public void Validate_BadField_ErrorNamesField(string field)
    {
        var c = field switch
        {
            "strategy" => new SearchConfig { Strategy = "astar" },
            "temperature" => new SearchConfig { Temperature = -1 },
            "topP" => new SearchConfig { TopP = 0 },
            "maxTokens" => new SearchConfig { MaxTokens = 0 },
            "numIterations" => new SearchConfig { NumIterations = 0 },
            "lookahead" => new SearchConfig { Lookahead = -2 },
            "beamWidth" => new SearchConfig { BeamWidth = 0 },
            _ => new SearchConfig { StepSeparator = string.Empty },
        };
        Assert.Contains(c.Validate(), e => e.Field == field);
        var ex = Assert.Throws<SearchConfigException>(() => c.EnsureValid());
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NAboveCap_NamesCap() =>
        Assert.Contains(new SearchConfig { Strategy = StrategyNames.BestOfN, N = 512 }.Validate(maxN: 256), e => e.Field == "n" && e.Message.Contains("256", StringComparison.Ordinal));

    [Fact]
    public void Get_UnknownStrategy_Throws() =>
        Assert.Contains("unknown strategy", Assert.Throws<SearchConfigException>(() => StrategyRegistry.Get("nope")).Message, StringComparison.Ordinal);
}
