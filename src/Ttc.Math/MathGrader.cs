namespace Ttc.Math;

/// <summary>The verdict on one prediction, with the forms that were compared.</summary>
/// <param name="Extracted">The answer found in the prediction, or null when it states none.</param>
/// <param name="Normalized">The canonical form of <paramref name="Extracted"/> (empty when none).</param>
/// <param name="GoldNormalized">The canonical form of the gold answer.</param>
/// <param name="Correct">Whether the extracted answer is equivalent to the gold answer.</param>
public sealed record GradeResult(string? Extracted, string Normalized, string GoldNormalized, bool Correct);

/// <summary>Grades a model's output against a gold answer.</summary>
public static class MathGrader
{
    /// <summary>Extracts the final answer of <paramref name="prediction"/> and compares it with <paramref name="gold"/>.</summary>
    public static GradeResult Grade(string? prediction, string? gold)
    {
        var extracted = AnswerExtractor.Extract(prediction);
        // A gold answer may itself be a worked solution or carry a box.
        var goldAnswer = gold is not null && gold.Contains("boxed", StringComparison.Ordinal) ? AnswerExtractor.Extract(gold) : gold;
        return new GradeResult(
            extracted,
            AnswerNormalizer.Normalize(extracted),
            AnswerNormalizer.Normalize(goldAnswer),
            extracted is not null && MathEquivalence.AreEquivalent(extracted, goldAnswer));
    }
}
