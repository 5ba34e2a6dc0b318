using Ttc.Math.Answers;

namespace Ttc.Math;

/// <summary>
/// Decides whether two answers are mathematically the same, with Math-Verify's conventions: numbers and
/// formulas by value (formulas with free variables at random points), decimals to 6 places, sets in any
/// order, tuples and intervals in order, <c>\pm</c> as both values, equations up to a constant factor,
/// inequalities also when mirrored, relations against the sets they describe, assignments ("x = 5") by
/// their value, percentages per <see cref="GradingOptions"/>. Symmetric, and never throws: anything it
/// cannot read is compared as text.
/// </summary>
public static class MathEquivalence
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> denote the same answer. Symmetric.</summary>
    public static bool AreEquivalent(string? a, string? b) => AreEquivalent(a, b, GradingOptions.Default);

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> denote the same answer under <paramref name="options"/>. Symmetric.</summary>
    public static bool AreEquivalent(string? a, string? b, GradingOptions options) =>
        AreEquivalentKeys(CanonicalKey(a), CanonicalKey(b), options);

    /// <summary>A key such that equal keys mean equivalent answers (used to group votes cheaply).</summary>
    public static string CanonicalKey(string? answer) => AnswerNormalizer.Normalize(answer);

    /// <summary><see cref="AreEquivalent(string?, string?)"/> for answers already passed through <see cref="CanonicalKey"/> (saves normalizing again).</summary>
    public static bool AreEquivalentKeys(string keyA, string keyB) => AreEquivalentKeys(keyA, keyB, GradingOptions.Default);

    /// <summary><see cref="AreEquivalent(string?, string?, GradingOptions)"/> for answers already passed through <see cref="CanonicalKey"/>.</summary>
    public static bool AreEquivalentKeys(string keyA, string keyB, GradingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        keyA ??= string.Empty;
        keyB ??= string.Empty;
        // Both directions must agree, so the verdict is symmetric whatever the rules inside.
        return Comparison.Equivalent(keyA, keyB, options, goldFirst: false) && Comparison.Equivalent(keyB, keyA, options, goldFirst: false);
    }

    /// <summary>Whether a prediction's key matches a gold answer's key, with Math-Verify's one-sided gold/prediction rules.</summary>
    internal static bool Matches(string goldKey, string predictionKey, GradingOptions options) =>
        Comparison.Equivalent(goldKey, predictionKey, options, goldFirst: true);
}
