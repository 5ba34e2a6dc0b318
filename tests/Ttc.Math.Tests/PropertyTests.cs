using CsCheck;

namespace Ttc.Math.Tests;

public class PropertyTests
{
    // Answers built from the pieces real answers are made of, so the properties meet real notation.
    private static readonly Gen<string> Piece = Gen.OneOf<string>(
        "1", "2", "12", "0.5", "-3", "x", "y", "\\pi", "\\frac{1}{2}", "\\frac12", "\\dfrac{3}{4}", "\\sqrt{2}", "\\sqrt3",
        "^2", "^{\\circ}", "+", "-", "\\cdot", "(", ")", "[", "]", ",", " ", "\\left(", "\\right)", "\\text{ cm}", "\\%",
        "$", "=", "i", "\\{", "\\}", "{", "}", "/", ".", "\\text{(A)}", "\\begin{pmatrix}", "\\\\", "&", "\\end{pmatrix}", "1,000");

    private static readonly Gen<string> Answer = Piece.Array[0, 8].Select(string.Concat);

    [Fact]
    public void Normalize_AnyAnswer_IsIdempotent() =>
        Answer.Sample(a =>
        {
            var once = AnswerNormalizer.Normalize(a);
            return AnswerNormalizer.Normalize(once) == once;
        }, iter: 3000);

    [Fact]
    public void AreEquivalent_AnyPair_IsSymmetric() =>
        Gen.Select(Answer, Answer).Sample((a, b) => MathEquivalence.AreEquivalent(a, b) == MathEquivalence.AreEquivalent(b, a), iter: 3000);

    [Fact]
    public void AreEquivalent_NonEmptyAnswer_IsReflexive() =>
        Answer.Where(a => AnswerNormalizer.Normalize(a).Length > 0).Sample(a => MathEquivalence.AreEquivalent(a, a), iter: 2000);

    [Fact]
    public void AreEquivalent_NumberAndItsFraction_Agree() =>
        Gen.Int[1, 500].Select(Gen.Int[1, 60]).Sample((p, q) =>
            MathEquivalence.AreEquivalent($"\\frac{{{p}}}{{{q}}}", ((double)p / q).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    // Texts built from what model outputs are made of, delimiters and phrases included, unbalanced on purpose.
    private static readonly Gen<string> TextPiece = Gen.OneOf<string>(
        "$", "$$", "\\(", "\\)", "\\[", "\\]", " [", "] ", "\\boxed{", "\\fbox{", "{", "}", "answer", "Answer: ", "final answer is ",
        "Final Answer: the value", " is ", " I hope", "\\frac{1}{2}", "1,000", " 12", " 3.5", "0,5", "%", " percent", "=", " and ", ", ",
        "\\pm", "x", "\\le", "\n", " ", ".", "\\text{ cm}", "\\begin{pmatrix}", "&", "\\\\", "\\end{pmatrix}", "(", ")", "[", "]");

    private static readonly Gen<string> Text = TextPiece.Array[0, 30].Select(string.Concat);

    [Fact]
    public void Grade_AnyText_NeverThrowsAndIsBounded() =>
        Gen.Select(Text, Answer).Sample((text, gold) =>
        {
            var result = MathGrader.Grade(text, gold);
            return result.Extracted is null || result.Normalized.Length <= System.Math.Max(AnswerNormalizer.MaxLength, result.Extracted.Length);
        }, iter: 3000);

    [Fact]
    public void Extract_AnyText_SameAnswerTwice() =>
        Text.Sample(text => AnswerExtractor.Extract(text, lastNumberFallback: true) == AnswerExtractor.Extract(text, lastNumberFallback: true), iter: 1000);
}

