using System.Globalization;
using System.Runtime.CompilerServices;

namespace Ttc.Math.Expressions;

/// <summary>Kinds of token of the small LaTeX arithmetic language the grader understands.</summary>
internal enum TokenKind
{
    Number,
    Letter,
    Command,
    Symbol,
    End,
}

/// <summary>One token: a number, a single letter, a <c>\command</c>, or one symbol character.</summary>
internal readonly record struct Token(TokenKind Kind, string Text)
{
    public bool Is(char symbol) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public bool IsCommand(string name) => Kind == TokenKind.Command && Text == name;
}

/// <summary>Splits LaTeX into tokens. Throws <see cref="LatexParseException"/> on characters it does not know.</summary>
internal static class LatexLexer
{
    /// <summary>More tokens than this are not an answer; parsing them is wasted work.</summary>
    public const int MaxTokens = 600;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < s.Length)
        {
            if (tokens.Count > MaxTokens)
            {
                throw new LatexParseException("expression too long");
            }

            char c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                // After ^ or _ one digit is the whole argument: x^23 means x^2 * 3 in LaTeX.
                bool single = tokens.Count > 0 && (tokens[^1].Is('^') || tokens[^1].Is('_'));
                int start = i;
                if (single)
                {
                    i++;
                }
                else
                {
                    while (i < s.Length && (char.IsAsciiDigit(s[i]) || (s[i] == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))))
                    {
                        i++;
                    }
                }

                var text = s[start..i];
                if (text.Count(ch => ch == '.') > 1)
                {
                    throw new LatexParseException($"bad number '{text}'");
                }

                tokens.Add(new Token(TokenKind.Number, text));
            }
            else if (char.IsAsciiLetter(c))
            {
                tokens.Add(new Token(TokenKind.Letter, c.ToString()));
                i++;
            }
            else if (c == '\\')
            {
                int start = ++i;
                while (i < s.Length && char.IsAsciiLetter(s[i]))
                {
                    i++;
                }

                if (i == start)
                {
                    if (i < s.Length && s[i] == '%')
                    {
                        tokens.Add(new Token(TokenKind.Symbol, "%"));
                        i++;
                        continue;
                    }

                    // "\\" (a matrix row break) or another escaped symbol: neither is arithmetic.
                    throw new LatexParseException("escaped symbol");
                }

                AddCommand(tokens, s[start..i]);
            }
            else if ("+-*/^_(){}[]|!=,:%".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString()));
                i++;
            }
            else if (Unicode(c) is { } token)
            {
                tokens.Add(token);
                i++;
            }
            else
            {
                throw new LatexParseException($"unexpected '{c}'");
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty));
        return tokens;
    }

    /// <summary>Commands the parser knows; "\\pir" (spaces removed from "\\pi r") splits into "\\pi" and "r".</summary>
    private static readonly string[] Known =
    [
        "frac", "cfrac", "dfrac", "tfrac", "sqrt", "binom", "pi", "cdot", "times", "div", "pm", "mp", "left", "right",
        "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "ln", "log", "exp", "le", "ge", "ne",
        "infty", "lfloor", "rfloor", "lceil", "rceil", "sum", "prod",
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega", "ell", "hbar", "aleph", "angle", "triangle",
    ];

    private static Token? Unicode(char c) => c switch
    {
        'π' => new Token(TokenKind.Command, "pi"),
        '∞' => new Token(TokenKind.Command, "infty"),
        '×' => new Token(TokenKind.Command, "times"),
        '÷' => new Token(TokenKind.Command, "div"),
        '·' or '⋅' => new Token(TokenKind.Command, "cdot"),
        '√' => new Token(TokenKind.Command, "sqrt"),
        '±' => new Token(TokenKind.Command, "pm"),
        '∓' => new Token(TokenKind.Command, "mp"),
        '−' or '–' => new Token(TokenKind.Symbol, "-"),
        _ => null,
    };

    private static void AddCommand(List<Token> tokens, string name)
    {
        if (Array.IndexOf(Known, name) < 0)
        {
            var prefix = Known.Where(k => name.StartsWith(k, StringComparison.Ordinal)).MaxBy(k => k.Length);
            if (prefix is not null)
            {
                tokens.Add(new Token(TokenKind.Command, prefix));
                tokens.AddRange(name[prefix.Length..].Select(ch => new Token(TokenKind.Letter, ch.ToString())));
                return;
            }
        }

        tokens.Add(new Token(TokenKind.Command, name));
    }

    public static double ParseNumber(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>The expression is outside what the grader can evaluate; callers fall back to strings.</summary>
internal sealed class LatexParseException(string message) : Exception(message);
