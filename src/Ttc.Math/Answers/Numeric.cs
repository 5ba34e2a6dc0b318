using System.Numerics;
using Ttc.Math.Expressions;

namespace Ttc.Math.Answers;

/// <summary>
/// Numeric equality of expressions. Exact values (integers, fractions, radicals, formulas) must agree to
/// floating-point accuracy; when a plain number written with a decimal point is compared, both sides are
/// rounded to 6 decimals first (Math-Verify's rule: 1/3 equals 0.333333 but not 0.3333, and 3.14 is not
/// pi). Expressions with free variables are compared at fixed random points.
/// </summary>
internal static class Numeric
{
    /// <summary>Relative difference allowed between two evaluations of the same exact value.</summary>
    private const double Tight = 1e-9;

    /// <summary>Decimals kept when a decimal number is compared (Math-Verify's default float rounding).</summary>
    private const int FloatDecimals = 6;

    private const int SamplePoints = 6;
    private const int MinComparable = 3;

    private static readonly Dictionary<string, Complex> Empty = [];

    /// <summary>The real value of a variable-free expression (infinities included), or null.</summary>
    public static double? Constant(Expr e)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        e.CollectVariables(names);
        if (names.Count > 0)
        {
            return null;
        }

        var v = e.Eval(Empty);
        return double.IsNaN(v.Real) || System.Math.Abs(v.Imaginary) > 1e-12 ? null : v.Real;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> denote the same number or function.</summary>
    public static bool SameValue(Expr a, Expr b, bool lenientPercent)
    {
        bool atomicA = ExprShape.IsAtomicNumber(a, out bool floatA), atomicB = ExprShape.IsAtomicNumber(b, out bool floatB);
        bool rounded = (atomicA || atomicB) && (floatA || floatB);
        var names = Variables(a, b);
        if (names.Count == 0)
        {
            var x = a.Eval(Empty);
            var y = b.Eval(Empty);
            if (Same(x, y, rounded))
            {
                return true;
            }

            // The MATH convention: a percentage may be written as its number or as a fraction of one.
            return lenientPercent && atomicA && atomicB && (Same(x, y * 100, rounded) || Same(x * 100, y, rounded));
        }

        int compared = 0;
        foreach (var env in Points(names, HasSeries(a, b)))
        {
            var va = a.Eval(env);
            var vb = b.Eval(env);
            if (!Finite(va) || !Finite(vb))
            {
                continue;
            }

            if (!Same(va, vb, rounded: false))
            {
                return false;
            }

            compared++;
        }

        return compared >= MinComparable;
    }

    /// <summary>
    /// Whether <paramref name="a"/> is a constant nonzero multiple of <paramref name="b"/> (both sides of two
    /// equations moved to one side), and the sign of that multiple: "2x+4y-3=0" and "y=-x/2+3/4" are one line.
    /// </summary>
    public static (bool Proportional, int Sign) Ratio(Expr a, Expr b)
    {
        var names = Variables(a, b);
        double? ratio = null;
        int compared = 0, zeros = 0;
        IEnumerable<IReadOnlyDictionary<string, Complex>> points = names.Count == 0 ? [Empty] : Points(names, HasSeries(a, b));
        foreach (var env in points)
        {
            var va = a.Eval(env);
            var vb = b.Eval(env);
            if (!Finite(va) || !Finite(vb))
            {
                continue;
            }

            bool zeroA = Complex.Abs(va) < 1e-10, zeroB = Complex.Abs(vb) < 1e-10;
            compared++;
            if (zeroA || zeroB)
            {
                if (zeroA != zeroB)
                {
                    return (false, 0);
                }

                zeros++;
                continue;
            }

            var r = va / vb;
            if (System.Math.Abs(r.Imaginary) > 1e-9 * System.Math.Max(1, System.Math.Abs(r.Real)))
            {
                return (false, 0);
            }

            if (ratio is { } first && System.Math.Abs(r.Real - first) > 1e-7 * System.Math.Max(System.Math.Abs(first), System.Math.Abs(r.Real)))
            {
                return (false, 0);
            }

            ratio ??= r.Real;
        }

        bool enough = names.Count == 0 ? compared == 1 : compared >= MinComparable;
        return !enough ? (false, 0) : ratio is { } k ? (true, System.Math.Sign(k)) : (zeros > 0, 1);
    }

    /// <summary>Equality of two values; with <paramref name="rounded"/>, to 6 decimals. Infinities equal infinities of the same sign.</summary>
    public static bool Same(Complex x, Complex y, bool rounded)
    {
        if (double.IsNaN(x.Real) || double.IsNaN(y.Real) || double.IsNaN(x.Imaginary) || double.IsNaN(y.Imaginary))
        {
            return false;
        }

        if (double.IsInfinity(x.Real) || double.IsInfinity(y.Real))
        {
            return x.Real == y.Real && x.Imaginary == 0 && y.Imaginary == 0;
        }

        if (rounded && System.Math.Max(Complex.Abs(x), Complex.Abs(y)) < 1e12)
        {
            return Round(x.Real) == Round(y.Real) && Round(x.Imaginary) == Round(y.Imaginary);
        }

        double diff = Complex.Abs(x - y);
        return diff <= 1e-12 || diff <= Tight * System.Math.Max(Complex.Abs(x), Complex.Abs(y));
    }

    /// <summary>Values at the sample points: random reals, or small integers when a series needs integer bounds.</summary>
    public static IEnumerable<Dictionary<string, Complex>> Points(IReadOnlyCollection<string> names, bool integers)
    {
        // Fixed seed: the verdict on a pair must not change from run to run.
        var rng = new Random(20241216);
        for (int k = 0; k < SamplePoints; k++)
        {
            yield return names.ToDictionary(n => n, _ => integers ? new Complex(rng.Next(2, 9), 0) : new Complex(0.3 + (2 * rng.NextDouble()), 0), StringComparer.Ordinal);
        }
    }

    public static SortedSet<string> Variables(params Expr[] exprs)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in exprs)
        {
            e.CollectVariables(names);
        }

        return names;
    }

    public static bool Finite(Complex c) => double.IsFinite(c.Real) && double.IsFinite(c.Imaginary);

    private static bool HasSeries(Expr a, Expr b) => ExprShape.HasSeries(a) || ExprShape.HasSeries(b);

    private static double Round(double v) => System.Math.Round(v, FloatDecimals, MidpointRounding.ToEven) + 0.0;
}
