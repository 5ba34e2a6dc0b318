namespace Ttc.Math.Tests;

/// <summary>Percentages in both modes, gold answers written as text, and the one-sided gold/prediction rules.</summary>
public class GradingConventionTests
{
    private static readonly GradingOptions Lenient = new() { Percent = PercentMode.Lenient };

    [Theory]
    [InlineData("$\\boxed{35\\%}$", "0.35", true)]
    [InlineData("$\\boxed{35\\%}$", "35", false)]
    [InlineData("$\\boxed{35}$", "0.35", false)]
    [InlineData("$\\boxed{35/100}$", "35", false)]
    [InlineData("$\\boxed{35 percent}$", "35\\%", true)]
    public void Grade_PercentStrict_PercentIsAHundredth(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, MathGrader.Grade(prediction, gold).Correct);

    [Theory]
    [InlineData("$\\boxed{35\\%}$", "35")]
    [InlineData("$\\boxed{35}$", "0.35")]
    [InlineData("$\\boxed{0.35}$", "35\\%")]
    public void Grade_PercentLenient_SignDroppedAndHundredfoldAccepted(string prediction, string gold) =>
        Assert.True(MathGrader.Grade(prediction, gold, Lenient).Correct);

    [Fact]
    public void AreEquivalent_PercentModes_Differ()
    {
        Assert.False(MathEquivalence.AreEquivalent("12\\%", "12"));
        Assert.True(MathEquivalence.AreEquivalent("12\\%", "12", Lenient));
        Assert.True(MathEquivalence.AreEquivalent("12\\%", "0.12"));
    }

    [Theory]
    [InlineData("$\\boxed{4, 9}$", "$4$ and $9$")]
    [InlineData("$\\boxed{4, 9}$", "4$ and $9")]
    [InlineData("$\\boxed{2, 3}$", "\\boxed{2}\\boxed{3}")]
    [InlineData("$\\boxed{18}$", "The legs are 3 and 12, so the area is $\\frac{3 \\cdot 12}{2} = \\boxed{18}$.")]
    [InlineData("$\\boxed{2, -3}$", "-3,2")]
    [InlineData("$\\boxed{0.5}$", "\\frac{1}{2}")]
    [InlineData("1 000", "1000")]
    public void Grade_GoldWrittenAsText_ReadLikeAPrediction(string prediction, string gold) =>
        Assert.True(MathGrader.Grade(prediction, gold).Correct, gold);

    [Fact]
    public void Grade_PredictedEquationAgainstGoldNumber_JudgedByItsLastValue()
    {
        // Math-Verify's one-sided rule: a predicted equation stands for its last right side against a gold value.
        Assert.True(MathGrader.Grade("$\\boxed{3 \\cdot 4 = 12}$", "12").Correct);
        Assert.True(MathGrader.Grade("$\\boxed{2a + 1 = 12}$", "12").Correct);
        // The symmetric comparison only unwraps assignments and equations with nothing unknown on the left.
        Assert.True(MathEquivalence.AreEquivalent("3 \\cdot 4 = 12", "12"));
        Assert.False(MathEquivalence.AreEquivalent("2a + 1 = 12", "12"));
    }

    [Fact]
    public void Grade_GoldSetAgainstPredictedRelation_OnlyTheOtherWayRound()
    {
        // A gold relation accepts the set it describes; a gold set does not accept a relation (Math-Verify's default).
        Assert.True(MathGrader.Grade("$\\boxed{[1, 4]}$", "1 \\le z \\le 4").Correct);
        Assert.False(MathGrader.Grade("$\\boxed{1 \\le z \\le 4}$", "[1, 4]").Correct);
        Assert.True(MathEquivalence.AreEquivalent("1 \\le z \\le 4", "[1, 4]"));
    }
}
