using System.Numerics;

namespace Ttc.Math.Expressions;

/// <summary>A parsed arithmetic expression over complex numbers with named free variables.</summary>
internal abstract record Expr
{
    /// <summary>Evaluates with the given variable values; unknown variables make the result NaN.</summary>
    public abstract Complex Eval(IReadOnlyDictionary<string, Complex> vars);

    /// <summary>Adds the names of the free variables to <paramref name="into"/>.</summary>
    public virtual void CollectVariables(ISet<string> into)
    {
    }
}

/// <summary>A number; <paramref name="IsFloat"/> when it was written with a decimal point (such answers compare to 6 decimals).</summary>
internal sealed record Num(Complex Value, bool IsFloat = false) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars) => Value;
}

/// <summary><c>x\%</c>: the operand divided by 100, kept apart so a percentage of a plain number is still recognised as a number.</summary>
internal sealed record Percent(Expr Operand) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars) => Operand.Eval(vars) / 100;

    public override void CollectVariables(ISet<string> into) => Operand.CollectVariables(into);
}

internal sealed record Var(string Name) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars) =>
        vars.TryGetValue(Name, out var v) ? v : new Complex(double.NaN, double.NaN);

    public override void CollectVariables(ISet<string> into) => into.Add(Name);
}

internal sealed record Unary(char Op, Expr Operand) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars)
    {
        var v = Operand.Eval(vars);
        return Op switch
        {
            '-' => -v,
            '!' => Factorial(v),
            '|' => Complex.Abs(v),
            _ => v,
        };
    }

    public override void CollectVariables(ISet<string> into) => Operand.CollectVariables(into);

    private static Complex Factorial(Complex v)
    {
        // Only small non-negative integers: larger ones are not what a grader meets, and would overflow.
        if (v.Imaginary != 0 || v.Real < 0 || v.Real > 170 || v.Real != System.Math.Floor(v.Real))
        {
            return double.NaN;
        }

        double r = 1;
        for (int k = 2; k <= (int)v.Real; k++)
        {
            r *= k;
        }

        return r;
    }
}

internal sealed record Binary(char Op, Expr Left, Expr Right) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars)
    {
        var a = Left.Eval(vars);
        var b = Right.Eval(vars);
        return Op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' => b == Complex.Zero ? new Complex(double.NaN, double.NaN) : a / b,
            '^' => Power(a, b),
            _ => new Complex(double.NaN, double.NaN),
        };
    }

    public override void CollectVariables(ISet<string> into)
    {
        Left.CollectVariables(into);
        Right.CollectVariables(into);
    }

    private static Complex Power(Complex a, Complex b)
    {
        // Integer powers of reals stay real (Complex.Pow goes through logarithms and drifts).
        if (a.Imaginary == 0 && b.Imaginary == 0 && b.Real == System.Math.Floor(b.Real) && System.Math.Abs(b.Real) <= 1000)
        {
            return System.Math.Pow(a.Real, b.Real);
        }

        if (a.Imaginary == 0 && a.Real >= 0 && b.Imaginary == 0)
        {
            return System.Math.Pow(a.Real, b.Real);
        }

        if (b.Imaginary == 0 && b.Real == System.Math.Floor(b.Real) && System.Math.Abs(b.Real) <= 64)
        {
            var r = Complex.One;
            for (int k = 0; k < System.Math.Abs(b.Real); k++)
            {
                r *= a;
            }

            return b.Real < 0 ? Complex.One / r : r;
        }

        return Complex.Pow(a, b);
    }
}

internal sealed record Call(string Name, Expr Argument, Expr? Extra = null) : Expr
{
    public override Complex Eval(IReadOnlyDictionary<string, Complex> vars)
    {
        var x = Argument.Eval(vars);
        return Name switch
        {
            "sqrt" when Extra is null => x.Imaginary == 0 && x.Real >= 0 ? System.Math.Sqrt(x.Real) : Complex.Sqrt(x),
            "sqrt" => Root(x, Extra!.Eval(vars)),
            "sin" => Complex.Sin(x),
            "cos" => Complex.Cos(x),
            "tan" => Complex.Tan(x),
            "sec" => Complex.One / Complex.Cos(x),
            "csc" => Complex.One / Complex.Sin(x),
            "cot" => Complex.One / Complex.Tan(x),
            "arcsin" => Complex.Asin(x),
            "arccos" => Complex.Acos(x),
            "arctan" => Complex.Atan(x),
            "ln" => Complex.Log(x),
            "exp" => Complex.Exp(x),
            "log" when Extra is null => Complex.Log10(x),
            "log" => Complex.Log(x) / Complex.Log(Extra!.Eval(vars)),
            "binom" => Binomial(x, Extra!.Eval(vars)),
            "floor" => x.Imaginary == 0 ? System.Math.Floor(x.Real) : double.NaN,
            "ceil" => x.Imaginary == 0 ? System.Math.Ceiling(x.Real) : double.NaN,
            _ => new Complex(double.NaN, double.NaN),
        };
    }

    public override void CollectVariables(ISet<string> into)
    {
        Argument.CollectVariables(into);
        Extra?.CollectVariables(into);
    }

    private static Complex Root(Complex x, Complex n)
    {
        // The real cube root of a negative number is what "\sqrt[3]{-8}" means.
        if (x.Imaginary == 0 && n.Imaginary == 0 && x.Real < 0 && n.Real % 2 == 1)
        {
            return -System.Math.Pow(-x.Real, 1 / n.Real);
        }

        return Complex.Pow(x, 1 / n);
    }

    private static Complex Binomial(Complex n, Complex k)
    {
        if (n.Imaginary != 0 || k.Imaginary != 0 || k.Real < 0 || k.Real > 1000 || k.Real != System.Math.Floor(k.Real))
        {
            return double.NaN;
        }

        double r = 1;
        for (int j = 1; j <= (int)k.Real; j++)
        {
            r = r * (n.Real - k.Real + j) / j;
        }

        return System.Math.Round(r, 6);
    }
}
