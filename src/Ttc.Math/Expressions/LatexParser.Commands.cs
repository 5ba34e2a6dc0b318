using System.Numerics;

namespace Ttc.Math.Expressions;

/// <summary>Commands, letters, subscripts and series.</summary>
internal sealed partial class LatexParser
{
    private static readonly HashSet<string> Functions =
        ["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "ln", "log", "exp"];

    /// <summary>Commands that name a quantity: Greek letters and a few symbols, read as variables.</summary>
    private static readonly HashSet<string> Symbols =
    [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega", "ell", "hbar", "aleph", "angle", "triangle",
    ];

    /// <summary>Commands that decorate or name their argument (<c>\overline{AB}</c>): opaque functions of it.</summary>
    private static readonly HashSet<string> Decorations =
    [
        "overline", "bar", "vec", "hat", "tilde", "dot", "ddot", "widehat", "widetilde", "overrightarrow", "underline",
        "operatorname", "mathcal", "mathscr", "mathfrak", "boldsymbol", "bm",
    ];

    private Expr ParseCommand()
    {
        var name = Next().Text;
        switch (name)
        {
            case "frac" or "cfrac" or "dfrac" or "tfrac":
                {
                    var num = ParseArgument();
                    return new Binary('/', num, ParseArgument());
                }

            case "binom":
                {
                    var n = ParseArgument();
                    return new Call("binom", n, ParseArgument());
                }

            case "sqrt":
                {
                    Expr? index = null;
                    if (Peek.Is('['))
                    {
                        index = ParseGroup('[', ']');
                    }

                    return new Call("sqrt", ParseArgument(), index);
                }

            case "pi":
                return new Num(System.Math.PI);
            case "infty":
                return new Num(double.PositiveInfinity);
            case "left" or "big" or "Big":
                return ParsePrimary();
            case "lfloor" or "lceil":
                {
                    var inner = ParseSum();
                    if (!Next().IsCommand(name == "lfloor" ? "rfloor" : "rceil"))
                    {
                        throw new LatexParseException("unclosed floor or ceiling");
                    }

                    return new Call(name == "lfloor" ? "floor" : "ceil", inner);
                }

            case "sum" or "prod":
                return ParseSeries(name == "sum" ? '+' : '*');
            default:
                if (Functions.Contains(name))
                {
                    return ParseFunction(name);
                }

                if (Decorations.Contains(name) && Peek.Is('{'))
                {
                    var args = new List<Expr> { ParseGroup('{', '}') };
                    return new Opaque("\\" + name, args);
                }

                // Anything else (structure, prose, relations, commands nobody defined) is not a value.
                return Symbols.Contains(name) ? Letter("\\" + name) : throw new LatexParseException($"unsupported command \\{name}");
        }
    }

    private Expr ParseFunction(string name)
    {
        Expr? logBase = null;
        if (name == "log" && Peek.Is('_'))
        {
            Next();
            logBase = ParseArgument();
        }

        var power = Peek.Is('^') ? TakeFunctionPower() : null;
        var arg = Peek.Is('(') || Peek.Is('{') ? ParsePrimary() : ParsePower();
        Expr call = new Call(name, arg, logBase);
        return power is null ? call : new Binary('^', call, power);
    }

    /// <summary>"\sin^2 x" squares the function's value.</summary>
    private Expr TakeFunctionPower()
    {
        Next();
        return Peek.Is('{') ? ParseGroup('{', '}') : ParsePostfix();
    }

    private Expr ParseArgument() => Peek.Is('{') ? ParseGroup('{', '}') : ParsePrimary();

    /// <summary>
    /// A letter, with its subscript: "x_1" and "a_{37}" are variables of their own; a subscript with letters in it
    /// ("F_{n-k-1}") makes an opaque function of the subscript's value, so it follows a summation index.
    /// </summary>
    private Expr Letter(string name)
    {
        if (Peek.Is('_'))
        {
            Next();
            if (Peek.Kind == TokenKind.Number)
            {
                return new Var($"{name}_{Next().Text}");
            }

            if (Peek.Is('{') && PeekAt(1).Kind == TokenKind.Number && PeekAt(2).Is('}'))
            {
                Next();
                var digits = Next().Text;
                Next();
                return new Var($"{name}_{digits}");
            }

            var index = ParseArgument();
            return new Opaque(name + "_", [index]);
        }

        return name switch
        {
            "e" => new Num(System.Math.E),
            "i" => new Num(Complex.ImaginaryOne),
            _ => new Var(name),
        };
    }

    /// <summary>"204_5" is 204 in base 5; any other subscript on a number makes an opaque value.</summary>
    private Expr NumberWithBase(Num number, string digits)
    {
        if (!Peek.Is('_'))
        {
            return number;
        }

        Next();
        var subscript = ParseArgument();
        if (subscript is Num { IsFloat: false } b && b.Value.Real is >= 2 and <= 36 && !digits.Contains('.', StringComparison.Ordinal))
        {
            int radix = (int)b.Value.Real;
            double value = 0;
            foreach (char c in digits)
            {
                int d = c - '0';
                if (d >= radix)
                {
                    return new Opaque("base", [number, subscript]);
                }

                value = (value * radix) + d;
            }

            return new Num(value);
        }

        return new Opaque("base", [number, subscript]);
    }

    /// <summary><c>\sum_{k=1}^{n} body</c>: the body is the product that follows, as in conventional notation.</summary>
    private Series ParseSeries(char op)
    {
        if (!Next().Is('_') || !Next().Is('{') || Next() is not { Kind: TokenKind.Letter } index || !Next().Is('='))
        {
            throw new LatexParseException("series without an index");
        }

        var lower = ParseSum();
        Expect('}');
        Expect('^');
        var upper = ParseArgument();
        var body = ParseProduct();
        return new Series(op, index.Text, lower, upper, body);
    }
}
