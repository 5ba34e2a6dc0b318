namespace Ttc.Math.Tests;

/// <summary>Where the answer is found, in Math-Verify's order of trust: boxes, answer phrases, then math, then numbers.</summary>
public class ExtractionOrderTests
{
    [Theory]
    [InlineData("The roots are \\boxed{3} and \\boxed{5}.", "3, 5")]
    [InlineData("so $\\boxed{(1, 4)}, \\boxed{(4, 1)}$ both work", "(1, 4), (4, 1)")]
    [InlineData("\\boxed{2}\\boxed{7}", "2, 7")]
    [InlineData("\\boxed{6} \\boxed{6}", "6")]
    [InlineData("First guess \\boxed{10} but after checking every case carefully again we conclude \\boxed{12}", "12")]
    [InlineData("It is \\fbox{8}.", "8")]
    public void Extract_Boxes_TogetherWhenCloseOrJoined(string text, string expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(text));

    [Theory]
    [InlineData("Therefore, the final answer is: $\\frac{5}{6}$. I hope it is correct.", "\\frac{5}{6}")]
    [InlineData("Final Answer: the smallest $k$ is 12.", "12")]
    [InlineData("The final answer is 3.\nWait, that is wrong. The final answer is 4.", "4")]
    [InlineData("Answer: 9 apples", "9")]
    [InlineData("so the answer is \\(x^2 - 1\\) in the end", "x^2 - 1")]
    [InlineData("La réponse finale est 8.", "8")]
    [InlineData("Die endgültige Antwort ist 15.", "15")]
    [InlineData("La respuesta final es $\\frac{1}{2}$.", "\\frac{1}{2}")]
    [InlineData("所以最终答案是 42", "42")]
    public void Extract_AnswerPhrases_TakeTheStatedAnswer(string text, string expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(text));

    [Fact]
    public void Extract_BoxAndLaterMinervaStatement_LaterStatementWins() =>
        Assert.Equal("7", AnswerExtractor.Extract("We get \\boxed{6}. Rechecking: the final answer is $7$. I hope it is correct."));

    [Theory]
    [InlineData("We compute \\[ 17 \\] as required", "17")]
    [InlineData("We compute \\( 17 \\) as required", "17")]
    [InlineData("We compute $$ 17 $$ as required", "17")]
    [InlineData("first $x = 2$, so we get $y = 5$ at last", "y = 5")]
    [InlineData("The solutions are $2$, $3$ and $5$.", "2, 3, 5")]
    [InlineData("We compute \\[\n 17 \n\\] as required", "17")]
    [InlineData("the ratio is \\frac{3}{8} overall", "\\frac{3}{8}")]
    public void Grade_NoStatedAnswer_LastMathIsTheAnswer(string text, string expected) =>
        Assert.Equal(expected, MathGrader.Grade(text, "0").Extracted);

    [Theory]
    [InlineData("The bill came to 1,000.99€ in total", "1000.99")]
    [InlineData("it costs $1,234 now", "1234")]
    [InlineData("Es wiegt 2,5 kg", "2.5")]
    [InlineData("about 12 500 people came", "12500")]
    [InlineData("we find 7 and then 0,125 of it", "0.125")]
    [InlineData("the chance is 2/9.", "2/9")]
    [InlineData("up by 35 percent", "35\\%")]
    public void Grade_PlainText_LastNumberIsTheAnswer(string text, string expected) =>
        Assert.Equal(expected, MathGrader.Grade(text, "0").Extracted);

    [Theory]
    [InlineData("code X7B9 only")]
    [InlineData("")]
    public void Grade_NothingThatReadsAsAnAnswer_NoExtraction(string text) =>
        Assert.Null(MathGrader.Grade(text, "7").Extracted);

    [Fact]
    public void Extract_WithoutFallback_DoesNotGuessFromMath() =>
        Assert.Null(AnswerExtractor.Extract("Step 3: $14 - 12 = 2$.\n\nThere"));

    [Theory]
    [InlineData("so the share is $\\boxed{15}$ percent", "15\\%")]
    [InlineData("so the share is $15$ %", "15\\%")]
    public void Grade_PercentWordAfterTheAnswer_IsPartOfIt(string text, string expected) =>
        Assert.Equal(expected, MathGrader.Grade(text, "15\\%").Extracted);
}
