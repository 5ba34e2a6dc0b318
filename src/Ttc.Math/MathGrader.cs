using System.Runtime.CompilerServices;
using Ttc.Math.Answers;
using Ttc.Math.Extraction;

namespace Ttc.Math;

/// <summary>The verdict on one prediction, with the forms that were compared.</summary>
/// <param name="Extracted">The answer found in the prediction, or null when it states none.</param>
/// <param name="Normalized">The canonical form of <paramref name="Extracted"/> (empty when none).</param>
/// <param name="GoldNormalized">The canonical form of the gold answer.</param>
/// <param name="Correct">Whether the extracted answer is equivalent to the gold answer.</param>
public sealed record GradeResult(string? Extracted, string Normalized, string GoldNormalized, bool Correct);

/// <summary>
/// Grades a model's output against a gold answer as Math-Verify does: the answer is extracted from the
/// prediction (guessing from the last math or number when none is stated), the gold answer is read the
/// same way when it is itself text (a worked solution, <c>\boxed{1}\boxed{2}</c>, <c>$1$ and $2$</c>), and
/// the two are compared with the gold answer's form deciding the one-sided cases (a predicted chain
/// "x = 5+5+1 = 11" is judged by its last value against a gold number).
/// </summary>
public static class MathGrader
{
    /// <summary>Extracts the final answer of <paramref name="prediction"/> and compares it with <paramref name="gold"/>.</summary>
    public static GradeResult Grade(string? prediction, string? gold) => Grade(prediction, gold, GradingOptions.Default);

    /// <summary>Extracts the final answer of <paramref name="prediction"/> and compares it with <paramref name="gold"/> under <paramref name="options"/>.</summary>
    public static GradeResult Grade(string? prediction, string? gold, GradingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var extracted = AnswerExtractor.Extract(prediction, AnswerExtractor.Guess.MathVerify, options);
        var normalized = extracted?.Normalized ?? string.Empty;
        var goldNormalized = GoldKey(gold, options);
        return new GradeResult(
            extracted?.Raw,
            normalized,
            goldNormalized,
            extracted is not null && MathEquivalence.Matches(goldNormalized, normalized, options));
    }

    /// <summary>
    /// The canonical form of the answer a gold field states. A bare answer ("\frac{1}{2}", "-2,1") is taken whole and read as LaTeX
    /// (a plain number without commas as text would be: "1 000" is 1000); a gold with boxes or math delimiters,
    /// or prose that does not read as mathematics, is searched like a prediction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string GoldKey(string? gold, GradingOptions options)
    {
        if (string.IsNullOrWhiteSpace(gold))
        {
            return string.Empty;
        }

        var trimmed = gold.Trim();
        if (trimmed.Contains("\\boxed", StringComparison.Ordinal) || trimmed.Contains("\\fbox", StringComparison.Ordinal))
        {
            return Stated(trimmed) ?? AnswerNormalizer.Normalize(trimmed);
        }

        if (HasDelimiter(trimmed))
        {
            // "1$ and $2$ and $3" is "$1$ and $2$ and $3$" with its outer dollars stripped: put them back.
            var text = trimmed.StartsWith('$') || trimmed.StartsWith("\\(", StringComparison.Ordinal) || trimmed.StartsWith("\\[", StringComparison.Ordinal)
                ? trimmed
                : "$" + trimmed + "$";
            return Stated(text) ?? AnswerNormalizer.Normalize(trimmed);
        }

        // "1 000" is a number; "-2,1" stays a list (a bare gold is LaTeX, where a comma separates).
        if (!trimmed.Contains(',', StringComparison.Ordinal) && TextNumbers.NumberAt(trimmed, 0) is { } number && number.End == trimmed.Length)
        {
            return AnswerNormalizer.Normalize(number.Answer);
        }

        var key = AnswerNormalizer.Normalize(trimmed);
        return AnswerParser.Parses(key, options) ? key : Stated(trimmed) ?? key;

        string? Stated(string text) => AnswerExtractor.Extract(text, AnswerExtractor.Guess.MathVerify, options)?.Normalized;
    }

    /// <summary>An unescaped '$', or <c>\(</c> / <c>\[</c>.</summary>
    private static bool HasDelimiter(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '$' && (i == 0 || s[i - 1] != '\\'))
            {
                return true;
            }
        }

        return s.Contains("\\(", StringComparison.Ordinal) || s.Contains("\\[", StringComparison.Ordinal);
    }
}
