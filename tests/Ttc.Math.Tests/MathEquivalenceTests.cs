namespace Ttc.Math.Tests;

public class MathEquivalenceTests
{
    [Theory]
    [InlineData("0.5", "\\frac{1}{2}")]
    [InlineData("\\frac{1}{2}", "\\dfrac12")]
    [InlineData("50\\%", "0.5")]
    [InlineData("1000", "1,000")]
    [InlineData("2\\sqrt{2}", "\\sqrt{8}")]
    [InlineData("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}")]
    [InlineData("2\\pi", "6.283185")]
    [InlineData("\\pi r^2", "r^2\\pi")]
    [InlineData("x^2+2x+1", "(x+1)^2")]
    [InlineData("(1, 2)", "\\left(1,2\\right)")]
    [InlineData("(\\frac{1}{2}, 3)", "(0.5, 3)")]
    [InlineData("[2, 5)", "[2,5)")]
    [InlineData("1, 2, 3", "3, 2, 1")]
    [InlineData("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2.0\\end{pmatrix}")]
    [InlineData("\\text{(C)}", "C")]
    [InlineData("x = 3", "3")]
    [InlineData("y = 2x + 1", "y=1+2x")]
    [InlineData("3i", "\\sqrt{-9}")]
    [InlineData("1+i", "i+1")]
    [InlineData("10^\\circ", "10")]
    [InlineData("5\\text{ cm}", "5")]
    [InlineData("\\sqrt[3]{8}", "2")]
    [InlineData("2 \\cdot 3", "6")]
    [InlineData("4!", "24")]
    [InlineData("\\binom{5}{2}", "10")]
    public void AreEquivalent_SameAnswer_True(string a, string b)
    {
        Assert.True(MathEquivalence.AreEquivalent(a, b), $"{a} vs {b}");
        Assert.True(MathEquivalence.AreEquivalent(b, a), $"{b} vs {a}");
    }

    [Theory]
    [InlineData("0.5", "0.51")]
    [InlineData("x^2", "2x")]
    [InlineData("(1, 2]", "[1, 2]")]
    [InlineData("(1, 2)", "(2, 1)")]
    [InlineData("1, 2", "1, 2, 3")]
    [InlineData("C", "D")]
    [InlineData("\\frac{1}{3}", "0.33")]
    [InlineData("3.14159", "3.1416")] // decimals compare to 6 places (Math-Verify), not to a relative 1e-4
    [InlineData("10000", "10001")]
    [InlineData("", "")]
    [InlineData("2", "")]
    [InlineData("2x", "2y")]
    public void AreEquivalent_DifferentAnswers_False(string a, string b)
    {
        Assert.False(MathEquivalence.AreEquivalent(a, b), $"{a} vs {b}");
        Assert.False(MathEquivalence.AreEquivalent(b, a), $"{b} vs {a}");
    }

    [Theory]
    [InlineData("\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{\\frac{1")]
    [InlineData("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1")]
    [InlineData("}}}}{{{{\\\\\\\\^^^^____")]
    [InlineData("2^{2^{2^{2^{2^{2^{2^{2^{2^{2}}}}}}}}}")]
    [InlineData("9999999999999!")]
    public void AreEquivalent_Garbage_NeverThrows(string garbage)
    {
        var ex = Record.Exception(() => MathEquivalence.AreEquivalent(garbage, "1"));
        Assert.Null(ex);
        Assert.False(MathEquivalence.AreEquivalent(garbage, "2^{2^{2}}3"));
    }

    [Fact]
    public void AreEquivalent_HugeInput_ReturnsQuickly()
    {
        var huge = string.Concat(Enumerable.Repeat("x+", 50_000)) + "1";
        Assert.False(MathEquivalence.AreEquivalent(huge, huge + "1"));
        Assert.True(MathEquivalence.AreEquivalent(huge, huge));
    }
}
