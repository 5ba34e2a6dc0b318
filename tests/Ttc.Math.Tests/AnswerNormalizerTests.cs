namespace Ttc.Math.Tests;

public class AnswerNormalizerTests
{
    [Theory]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})")]
    [InlineData("\\dfrac{1}{2}", "\\frac{1}{2}")]
    [InlineData("\\tfrac12", "\\frac{1}{2}")]
    [InlineData("\\frac1{72}", "\\frac{1}{72}")]
    [InlineData("\\sqrt2", "\\sqrt{2}")]
    [InlineData("10 \\text{ cm}", "10")]
    [InlineData("5\\text{ inches}^2", "5")]
    [InlineData("90^\\circ", "90")]
    [InlineData("90^{\\circ}", "90")]
    [InlineData("50\\%", "50\\%")]
    [InlineData("50 percent", "50\\%")]
    [InlineData("28 pct", "28\\%")]
    [InlineData("\\$18.90", "18.90")]
    [InlineData("x = 5", "x=5")]
    [InlineData("k=-3", "k=-3")]
    [InlineData("12.", "12")]
    [InlineData("1,000,000", "1000000")]
    [InlineData("3/4", "\\frac{3}{4}")]
    [InlineData("\\text{(C)}", "C")]
    [InlineData("2.0", "2")]
    [InlineData("\\text{Devon}", "Devon")]
    [InlineData(" 7 ", "7")]
    [InlineData("\\frac{1}{3}.", "\\frac{1}{3}")]
    [InlineData("15\\mbox{ cm}^2", "15")]
    [InlineData("0.06 \\text{ yuan}", "0.06")]
    [InlineData("\\frac{1}{3} \\textbf{meters}", "\\frac{1}{3}")]
    [InlineData("12\\text{ and }13", "12,13")]
    [InlineData("6 or 8", "6,8")]
    [InlineData("32,\\! 349", "32349")]
    [InlineData("14{,}916", "14916")]
    [InlineData("0,111", "0.111")]
    public void Normalize_MathConvention_Canonical(string input, string expected) =>
        Assert.Equal(expected, AnswerNormalizer.Normalize(input));

    [Fact]
    public void Normalize_TupleWithCommas_KeepsCommas() => Assert.Equal("1,2", AnswerNormalizer.Normalize("1, 2"));

    [Fact]
    public void Normalize_CommaSpaceBeforeThreeDigits_StaysAList() =>
        Assert.Equal("32, 349", AnswerNormalizer.Normalize("32,  349"));

    [Fact]
    public void Normalize_Null_Empty() => Assert.Equal(string.Empty, AnswerNormalizer.Normalize(null));
}
