using System.Numerics;

namespace Ttc.Math.Expressions;

/// <summary>
/// A function the grader cannot evaluate (<c>F_{n-k}</c>, <c>\overline{AB}</c>, <c>\operatorname{lcm}(a,b)</c>):
/// its value is a fixed pseudo-random number drawn from its name and argument values. Equal calls agree
/// and different ones almost surely differ, so random-point comparison still decides equality
/// (<c>F_k F_{n-k-1}</c> equals <c>F_{n-k-1} F_k</c> but not <c>F_k F_{n-k-2}</c>).
/// </summary>
internal sealed record Opaque(string Name, IReadOnlyList<Expr> Args) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars)
    {
        // FNV-1a over the name and the rounded argument values: stable across processes, unlike string.GetHashCode.
        ulong h = 14695981039346656037UL;
        foreach (char c in Name)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        foreach (var arg in Args)
        {
            var v = arg.Eval(vars);
            if (!double.IsFinite(v.Real) || !double.IsFinite(v.Imaginary))
            {
                return new Complex(double.NaN, double.NaN);
            }

            foreach (double part in (ReadOnlySpan<double>)[System.Math.Round(v.Real, 9), System.Math.Round(v.Imaginary, 9)])
            {
                ulong bits = (ulong)BitConverter.DoubleToInt64Bits(part == 0 ? 0.0 : part);
                for (int b = 0; b < 8; b++)
                {
                    h = (h ^ ((bits >> (8 * b)) & 0xFF)) * 1099511628211UL;
                }
            }
        }

        return 0.3 + (2.0 * (h >> 11) / (1UL << 53));
    }

    public override void CollectVariables(ISet<string> into)
    {
        foreach (var arg in Args)
        {
            arg.CollectVariables(into);
        }
    }
}

/// <summary><c>\sum_{k=a}^{b}</c> (<paramref name="Op"/> '+') or <c>\prod</c> ('*'), evaluated term by term when the bounds are integers.</summary>
internal sealed record Series(char Op, string Index, Expr Lower, Expr Upper, Expr Body) : Expr
{
    /// <summary>Longer series are not evaluated (NaN): a grader meets short ones, and the cost must stay bounded.</summary>
    public const int MaxTerms = 2000;

    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars)
    {
        var lo = Lower.Eval(vars);
        var hi = Upper.Eval(vars);
        if (!IsInteger(lo) || !IsInteger(hi))
        {
            return new Complex(double.NaN, double.NaN);
        }

        long from = (long)System.Math.Round(lo.Real), to = (long)System.Math.Round(hi.Real);
        if (to - from + 1 > MaxTerms)
        {
            return new Complex(double.NaN, double.NaN);
        }

        var env = new Dictionary<string, Complex>(vars, StringComparer.Ordinal);
        Complex acc = Op == '+' ? Complex.Zero : Complex.One;
        for (long k = from; k <= to; k++)
        {
            env[Index] = k;
            var term = Body.Eval(env);
            acc = Op == '+' ? acc + term : acc * term;
        }

        return acc;
    }

    public override void CollectVariables(ISet<string> into)
    {
        var inner = new HashSet<string>(StringComparer.Ordinal);
        Body.CollectVariables(inner);
        inner.Remove(Index);
        into.UnionWith(inner);
        Lower.CollectVariables(into);
        Upper.CollectVariables(into);
    }

    private static bool IsInteger(Complex c) =>
        c.Imaginary == 0 && double.IsFinite(c.Real) && System.Math.Abs(c.Real - System.Math.Round(c.Real)) < 1e-9 && System.Math.Abs(c.Real) < 1e9;
}
