namespace Ttc.Math.Tests;

public class AnswerExtractorTests
{
    [Theory]
    [InlineData("so the sum is \\boxed{42}.", "42")]
    [InlineData("first \\boxed{1} then we check it once more before we get \\boxed{\\frac{1}{2}}", "\\frac{1}{2}")]
    [InlineData("nested \\boxed{\\sqrt{\\frac{a}{b}}} done", "\\sqrt{\\frac{a}{b}}")]
    [InlineData("an \\fbox{7} here", "7")]
    [InlineData("Therefore, the final answer is: $\\boxed{118}$. I hope it is correct.", "118")]
    [InlineData("Final Answer: The final answer is $x^2+1$. I hope it is correct.", "x^2+1")]
    [InlineData("We get 3 and so The answer is 17.", "17")]
    [InlineData("\\boxed 5$ ok", "5")]
    public void Extract_KnownForms_ReturnsAnswer(string text, string expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(text));

    [Theory]
    [InlineData("nothing stated here 12 13")]
    [InlineData("")]
    [InlineData("unbalanced \\boxed{12")]
    public void Extract_NoAnswer_ReturnsNull(string text) => Assert.Null(AnswerExtractor.Extract(text));

    [Fact]
    public void Extract_LastNumberFallback_TakesLastNumber() =>
        Assert.Equal("13", AnswerExtractor.Extract("nothing stated here 12 13", lastNumberFallback: true));

    [Fact]
    public void Extract_MultilineBox_JoinsLines() =>
        Assert.Equal("\\begin{pmatrix}1\\\\2\\end{pmatrix}", AnswerExtractor.Extract("\\boxed{\\begin{pmatrix}1\\\\\n  2\\end{pmatrix}}"));
}
