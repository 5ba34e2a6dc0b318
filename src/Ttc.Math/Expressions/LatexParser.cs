using System.Runtime.CompilerServices;

namespace Ttc.Math.Expressions;

/// <summary>
/// Recursive-descent parser for the arithmetic part of LaTeX: <c>+ - \cdot \times / \div : ^ ! \%</c>,
/// implicit multiplication, mixed numbers (<c>2\frac{1}{2}</c>), <c>\frac \sqrt \binom</c>, functions,
/// <c>\pi</c>, <c>e</c>, <c>i</c>, <c>\infty</c>, Greek letters and single-letter variables with subscripts,
/// <c>\sum</c>/<c>\prod</c>, and unknown commands as opaque functions. A <c>\pm</c> makes one expression per
/// choice of sign. Depth and length are bounded so garbage cannot hang it.
/// </summary>
internal sealed partial class LatexParser
{
    private const int MaxDepth = 64;

    /// <summary>More than this many <c>\pm</c> signs (2^n readings) is not an answer.</summary>
    private const int MaxPlusMinus = 3;

    private readonly List<Token> _tokens;
    private readonly bool _percentAsHundredth;
    private readonly int _signs;
    private int _pos;
    private int _depth;
    private int _plusMinus;

    private LatexParser(List<Token> tokens, bool percentAsHundredth, int signs)
    {
        _tokens = tokens;
        _percentAsHundredth = percentAsHundredth;
        _signs = signs;
    }

    /// <summary>Parses <paramref name="latex"/>, or returns null when it is not plain arithmetic or holds a <c>\pm</c>.</summary>
    public static Expr? TryParse(string latex, bool percentAsHundredth = true) =>
        TryParseAll(latex, percentAsHundredth) is [var single] ? single : null;

    /// <summary>Parses <paramref name="latex"/> once per choice of sign of each <c>\pm</c> (one expression without any); null when it is not arithmetic.</summary>
    public static IReadOnlyList<Expr>? TryParseAll(string latex, bool percentAsHundredth = true)
    {
        try
        {
            var tokens = LatexLexer.Tokenize(latex);
            var first = new LatexParser(tokens, percentAsHundredth, 0);
            var e = first.ParseWhole();
            if (first._plusMinus == 0)
            {
                return [e];
            }

            if (first._plusMinus > MaxPlusMinus)
            {
                return null;
            }

            var all = new List<Expr> { e };
            for (int signs = 1; signs < 1 << first._plusMinus; signs++)
            {
                all.Add(new LatexParser(tokens, percentAsHundredth, signs).ParseWhole());
            }

            return all;
        }
        catch (Exception ex) when (ex is LatexParseException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private Expr ParseWhole()
    {
        var e = ParseSum();
        return Peek.Kind == TokenKind.End ? e : throw new LatexParseException($"unexpected '{Peek.Text}'");
    }

    private Token Peek => _tokens[_pos];

    private Token PeekAt(int offset) => _tokens[System.Math.Min(_pos + offset, _tokens.Count - 1)];

    private Token Next() => _tokens[_pos++];

    private void Expect(char symbol)
    {
        if (!Next().Is(symbol))
        {
            throw new LatexParseException($"expected '{symbol}'");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Expr ParseSum()
    {
        Enter();
        var left = ParseProduct();
        while (true)
        {
            if (Peek.Is('+') || Peek.Is('-'))
            {
                char op = Next().Text[0];
                left = new Binary(op, left, ParseProduct());
            }
            else if (Peek.IsCommand("pm") || Peek.IsCommand("mp"))
            {
                char op = PlusMinusSign(Next());
                left = new Binary(op, left, ParseProduct());
            }
            else
            {
                break;
            }
        }

        _depth--;
        return left;
    }

    /// <summary>'+' or '-' for the next <c>\pm</c> (the reverse for <c>\mp</c>), as this reading's choice of signs says.</summary>
    private char PlusMinusSign(Token token)
    {
        bool minus = (_signs >> _plusMinus++ & 1) == 1;
        minus ^= token.Text == "mp";
        return minus ? '-' : '+';
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            else if (Peek.Is('/') || Peek.IsCommand("div") || Peek.Is(':'))
            {
                Next();
                left = new Binary('/', left, ParseUnary());
            }
            else if (MixedNumber(left) is { } mixed)
            {
                left = mixed;
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

    /// <summary>"2\frac{1}{2}" is two and a half: an integer written right before a fraction of integers adds to it.</summary>
    private Expr? MixedNumber(Expr left)
    {
        bool negative = left is Unary { Op: '-' };
        if ((negative ? ((Unary)left).Operand : left) is not Num { IsFloat: false } whole || _pos == 0 || _tokens[_pos - 1].Kind != TokenKind.Number
            || !Peek.IsCommand("frac") || !PeekAt(1).Is('{') || PeekAt(2).Kind != TokenKind.Number || !PeekAt(3).Is('}')
            || !PeekAt(4).Is('{') || PeekAt(5).Kind != TokenKind.Number || !PeekAt(6).Is('}'))
        {
            return null;
        }

        var sum = new Binary('+', whole, ParsePower());
        return negative ? new Unary('-', sum) : sum;
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

        if (Peek.IsCommand("pm") || Peek.IsCommand("mp"))
        {
            bool minus = PlusMinusSign(Next()) == '-';
            var operand = ParseUnary();
            return minus ? new Unary('-', operand) : operand;
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
        while (Peek.Is('!') || Peek.Is('%'))
        {
            e = Next().Is('!') ? new Unary('!', e) : _percentAsHundredth ? new Percent(e) : e;
        }

        return e;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                    return NumberWithBase(new Num(LatexLexer.ParseNumber(t.Text), t.Text.Contains('.', StringComparison.Ordinal)), t.Text);
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
        TokenKind.Command => t.Text is not ("cdot" or "times" or "div" or "pm" or "mp" or "le" or "ge" or "ne" or "right" or "rfloor" or "rceil"),
        TokenKind.Symbol => t.Is('(') || t.Is('{') || t.Is('['),
        _ => false,
    };
}
