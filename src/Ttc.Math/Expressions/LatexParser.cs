using System.Numerics;

namespace Ttc.Math.Expressions;

/// <summary>
/// Recursive-descent parser for the arithmetic part of LaTeX: <c>+ - \cdot \times / \div ^ !</c>,
/// implicit multiplication, <c>\frac \sqrt \binom</c>, functions, <c>\pi</c>, <c>e</c>, <c>i</c> and
/// single-letter variables (with subscripts). Depth and length are bounded so garbage cannot hang it.
/// </summary>
internal sealed class LatexParser
{
    private const int MaxDepth = 64;
    private static readonly HashSet<string> Functions =
        ["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "ln", "log", "exp"];

    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;

    private LatexParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses <paramref name="latex"/>, or returns null when it is not plain arithmetic.</summary>
    public static Expr? TryParse(string latex)
    {
        try
        {
            var parser = new LatexParser(LatexLexer.Tokenize(latex));
            var e = parser.ParseSum();
            return parser.Peek.Kind == TokenKind.End ? e : null;
        }
        catch (LatexParseException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private void Expect(char symbol)
    {
        if (!Next().Is(symbol))
        {
            throw new LatexParseException($"expected '{symbol}'");
        }
    }

    private Expr ParseSum()
    {
        Enter();
        var left = ParseProduct();
        while (Peek.Is('+') || Peek.Is('-'))
        {
            char op = Next().Text[0];
            left = new Binary(op, left, ParseProduct());
        }

        _depth--;
        return left;
    }

    private Expr ParseProduct()
    {
        var left = ParseUnary();
        while (true)
        {
            if (Peek.Is('*') || Peek.IsCommand("cdot") || Peek.IsCommand("times"))
            {
                Next();
                left = new Binary('*', left, ParseUnary());
            }
            else if (Peek.Is('/') || Peek.IsCommand("div"))
            {
                Next();
                left = new Binary('/', left, ParseUnary());
            }
            else if (StartsOperand(Peek))
            {
                left = new Binary('*', left, ParsePower());
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseUnary()
    {
        if (Peek.Is('-'))
        {
            Next();
            return new Unary('-', ParseUnary());
        }

        if (Peek.Is('+'))
        {
            Next();
            return ParseUnary();
        }

        return ParsePower();
    }

    private Expr ParsePower()
    {
        var b = ParsePostfix();
        if (Peek.Is('^'))
        {
            Next();
            var exponent = Peek.Is('{') ? ParseGroup('{', '}') : Peek.Is('-') ? Negated() : ParsePostfix();
            return new Binary('^', b, exponent);
        }

        return b;

        Expr Negated()
        {
            Next();
            return new Unary('-', ParsePostfix());
        }
    }

    private Expr ParsePostfix()
    {
        var e = ParsePrimary();
        while (Peek.Is('!'))
        {
            Next();
            e = new Unary('!', e);
        }

        return e;
    }

    private Expr ParsePrimary()
    {
        Enter();
        try
        {
            var t = Peek;
            switch (t.Kind)
            {
                case TokenKind.Number:
                    Next();
                    return new Num(LatexLexer.ParseNumber(t.Text));
                case TokenKind.Letter:
                    Next();
                    return Letter(t.Text);
                case TokenKind.Command:
                    return ParseCommand();
                case TokenKind.Symbol when t.Is('('):
                    return ParseGroup('(', ')');
                case TokenKind.Symbol when t.Is('{'):
                    return ParseGroup('{', '}');
                case TokenKind.Symbol when t.Is('['):
                    return ParseGroup('[', ']');
                case TokenKind.Symbol when t.Is('|'):
                    return new Unary('|', ParseGroup('|', '|'));
                default:
                    throw new LatexParseException($"unexpected '{t.Text}'");
            }
        }
        finally
        {
            _depth--;
        }
    }

    private Expr Letter(string name)
    {
        if (Peek.Is('_'))
        {
            Next();
            var sub = Next();
            if (sub.Is('{'))
            {
                var parts = new List<string>();
                while (!Peek.Is('}') && Peek.Kind != TokenKind.End)
                {
                    parts.Add(Next().Text);
                }

                Expect('}');
                return new Var($"{name}_{string.Concat(parts)}");
            }

            return new Var($"{name}_{sub.Text}");
        }

        return name switch
        {
            "e" => new Num(System.Math.E),
            "i" => new Num(Complex.ImaginaryOne),
            _ => new Var(name),
        };
    }

    private Expr ParseCommand()
    {
        var name = Next().Text;
        switch (name)
        {
            case "frac" or "cfrac":
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
            case "left" or "right" or "big" or "Big":
                return ParsePrimary();
            default:
                if (Functions.Contains(name))
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

                throw new LatexParseException($"unsupported command \\{name}");
        }
    }

    /// <summary>"\sin^2 x" squares the function's value.</summary>
    private Expr TakeFunctionPower()
    {
        Next();
        return Peek.Is('{') ? ParseGroup('{', '}') : ParsePostfix();
    }

    private Expr ParseArgument() => Peek.Is('{') ? ParseGroup('{', '}') : ParsePrimary();

    private Expr ParseGroup(char open, char close)
    {
        Expect(open);
        var e = ParseSum();
        Expect(close);
        return e;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new LatexParseException("nested too deeply");
        }
    }

    private static bool StartsOperand(Token t) => t.Kind switch
    {
        TokenKind.Number or TokenKind.Letter => true,
        TokenKind.Command => t.Text is not ("cdot" or "times" or "div" or "pm" or "mp" or "le" or "ge" or "ne" or "right"),
        TokenKind.Symbol => t.Is('(') || t.Is('{') || t.Is('['),
        _ => false,
    };
}
