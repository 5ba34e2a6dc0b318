using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Ttc.Math.Expressions;

namespace Ttc.Math;

/// <summary>
/// Decides whether two answers are mathematically the same: normalized strings, numbers within a
/// relative 1e-4 (percentages ×100 and ÷100), LaTeX arithmetic evaluated, expressions with free
/// variables compared at random points, tuples/intervals/lists/matrices element by element.
/// Never throws; anything it cannot evaluate is compared as a string.
/// </summary>
public static partial class MathEquivalence
{
    private const double RelativeTolerance = 1e-4;
    private const int SamplePoints = 6;
    private const int MaxNesting = 6;

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> denote the same answer. Symmetric.</summary>
    public static bool AreEquivalent(string? a, string? b) =>
        Equivalent(AnswerNormalizer.Normalize(a), AnswerNormalizer.Normalize(b), 0);

    /// <summary>A key such that equal keys mean equivalent answers (used to group votes cheaply).</summary>
    public static string CanonicalKey(string? answer) => AnswerNormalizer.Normalize(answer);

    /// <summary><see cref="AreEquivalent"/> for answers already passed through <see cref="CanonicalKey"/> (saves normalizing again).</summary>
    public static bool AreEquivalentKeys(string keyA, string keyB) => Equivalent(keyA ?? string.Empty, keyB ?? string.Empty, 0);

    private static bool Equivalent(string a, string b, int nesting)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return false;
        }

        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (nesting > MaxNesting || a.Length > AnswerNormalizer.MaxLength || b.Length > AnswerNormalizer.MaxLength)
        {
            return false;
        }

        if (ChoiceLetter(a) is { } ca && ChoiceLetter(b) is { } cb)
        {
            return ca == cb;
        }

        if (TryNumber(a, out var x) && TryNumber(b, out var y))
        {
            return Close(x, y) || Close(x, y * 100) || Close(x * 100, y);
        }

        if (Matrix(a) is { } ma && Matrix(b) is { } mb)
        {
            return ma.Length == mb.Length && ma.Zip(mb).All(r => r.First.Length == r.Second.Length
                && r.First.Zip(r.Second).All(c => Equivalent(c.First, c.Second, nesting + 1)));
        }

        var (openA, itemsA, closeA) = SplitCompound(a);
        var (openB, itemsB, closeB) = SplitCompound(b);
        if (itemsA.Count > 1 || itemsB.Count > 1)
        {
            if (itemsA.Count != itemsB.Count)
            {
                return false;
            }

            bool bracketed = openA != '\0' && openB != '\0';
            if (bracketed && (openA != openB || closeA != closeB))
            {
                return false; // (1, 2] is not [1, 2]
            }

            return bracketed
                ? itemsA.Zip(itemsB).All(p => Equivalent(p.First, p.Second, nesting + 1))
                : SameMultiset(itemsA, itemsB, nesting);
        }

        if (Strip(a) is var sa && Strip(b) is var sb && string.Equals(sa, sb, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (Equation(a) is { } ea && Equation(b) is { } eb)
        {
            return SameValue($"({ea.Left})-({ea.Right})", $"({eb.Left})-({eb.Right})")
                || SameValue($"({ea.Left})-({ea.Right})", $"({eb.Right})-({eb.Left})");
        }

        return SameValue(a, b);
    }

    /// <summary>Both parse as arithmetic and agree at every sample point of their free variables.</summary>
    private static bool SameValue(string a, string b)
    {
        var ea = LatexParser.TryParse(a);
        var eb = ea is null ? null : LatexParser.TryParse(b);
        if (ea is null || eb is null)
        {
            return false;
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        ea.CollectVariables(names);
        eb.CollectVariables(names);
        if (names.Count == 0)
        {
            return Close(ea.Eval(Empty), eb.Eval(Empty));
        }

        // Fixed seed: the verdict on a pair must not change from run to run.
        var rng = new Random(20241216);
        int compared = 0;
        for (int k = 0; k < SamplePoints; k++)
        {
            var env = names.ToDictionary(n => n, _ => new Complex(0.3 + (2 * rng.NextDouble()), 0));
            var va = ea.Eval(env);
            var vb = eb.Eval(env);
            if (!Finite(va) || !Finite(vb))
            {
                continue;
            }

            if (!Close(va, vb))
            {
                return false;
            }

            compared++;
        }

        return compared >= 3;
    }

    private static readonly Dictionary<string, Complex> Empty = [];

    private static bool Close(Complex x, Complex y)
    {
        if (!Finite(x) || !Finite(y))
        {
            return false;
        }

        double diff = Complex.Abs(x - y);
        return diff <= 1e-9 || diff <= RelativeTolerance * System.Math.Max(Complex.Abs(x), Complex.Abs(y));
    }

    private static bool Finite(Complex c) => double.IsFinite(c.Real) && double.IsFinite(c.Imaginary);

    /// <summary>A plain number, a percentage, or an integer fraction.</summary>
    private static bool TryNumber(string s, out Complex value)
    {
        value = default;
        var m = FracNumber().Match(s);
        if (m.Success)
        {
            double den = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            double num = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (den == 0)
            {
                return false;
            }

            value = (m.Groups[1].Value == "-" ? -1 : 1) * num / den;
            return true;
        }

        if (PlainNumber().IsMatch(s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            value = d;
            return true;
        }

        return false;
    }

    private static char? ChoiceLetter(string s)
    {
        var m = Choice().Match(s);
        return m.Success ? m.Groups[1].Value[0] : null;
    }

    private static string Strip(string s)
    {
        foreach (var ch in "{}()")
        {
            s = s.Replace(ch.ToString(), string.Empty, StringComparison.Ordinal);
        }

        return s;
    }

    private static (string Left, string Right)? Equation(string s)
    {
        var parts = s.Split('=');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    private static bool SameMultiset(List<string> a, List<string> b, int nesting)
    {
        var unused = new List<string>(b);
        foreach (var item in a)
        {
            int hit = unused.FindIndex(u => Equivalent(item, u, nesting + 1));
            if (hit < 0)
            {
                return false;
            }

            unused.RemoveAt(hit);
        }

        return true;
    }

    [GeneratedRegex(@"^\(?([A-E])\)?$")]
    private static partial Regex Choice();

    [GeneratedRegex(@"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex PlainNumber();

    [GeneratedRegex(@"^(-?)\\frac\{(\d+(?:\.\d+)?)\}\{(\d+(?:\.\d+)?)\}$")]
    private static partial Regex FracNumber();
}
