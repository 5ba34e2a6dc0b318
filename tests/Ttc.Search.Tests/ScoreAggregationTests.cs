using CsCheck;

namespace Ttc.Search.Tests;

public class ScoreAggregationTests
{
    [Fact]
    public void Aggregate_Examples_AsDefined()
    {
        double[] s = [0.9, 0.5, 0.8];
        Assert.Equal(0.8, ScoreAggregation.Aggregate(s, AggregationStrategy.Last));
        Assert.Equal(0.5, ScoreAggregation.Aggregate(s, AggregationStrategy.Min));
        Assert.Equal(0.36, ScoreAggregation.Aggregate(s, AggregationStrategy.Prod), 12);
        Assert.Equal(0, ScoreAggregation.Aggregate([], AggregationStrategy.Last));
    }

    [Fact]
    public void Aggregate_ProbabilityScores_ProdBelowMinBelowLast() =>
        Gen.Double[0, 1].Array[1, 30].Sample(s =>
        {
            double prod = ScoreAggregation.Aggregate(s, AggregationStrategy.Prod);
            double min = ScoreAggregation.Aggregate(s, AggregationStrategy.Min);
            double last = ScoreAggregation.Aggregate(s, AggregationStrategy.Last);
            return prod <= min + 1e-15 && min <= last && min >= 0 && prod >= 0;
        });

    [Fact]
    public void Aggregate_SingleStep_AllStrategiesAgree() =>
        Gen.Double[0, 1].Sample(x =>
            ScoreAggregation.Aggregate([x], AggregationStrategy.Last) == x
            && ScoreAggregation.Aggregate([x], AggregationStrategy.Min) == x
            && ScoreAggregation.Aggregate([x], AggregationStrategy.Prod) == x);

    [Fact]
    public void Aggregate_MinIgnoresOrder() =>
        Gen.Double[0, 1].Array[1, 20].Sample(s =>
            ScoreAggregation.Aggregate(s, AggregationStrategy.Min) == ScoreAggregation.Aggregate(s.Reverse().ToArray(), AggregationStrategy.Min));

    [Theory]
    [InlineData("last", AggregationStrategy.Last)]
    [InlineData("MIN", AggregationStrategy.Min)]
    [InlineData("prod", AggregationStrategy.Prod)]
    public void TryParse_Names_Parse(string text, AggregationStrategy expected)
    {
        Assert.True(ScoreAggregation.TryParse(text, out var got));
        Assert.Equal(expected, got);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("1")]
    [InlineData(null)]
    public void TryParse_Unknown_False(string? text) => Assert.False(ScoreAggregation.TryParse(text, out _));
}
