using System.Runtime.CompilerServices;

namespace Ttc.Math.Extraction;

/// <summary>
/// Matches math environments at given positions of one text. It remembers where closing delimiters are
/// absent, so trying every position of a text full of openers stays near-linear.
/// </summary>
internal sealed class SpanScanner(string text)
{
    private int _noDisplayDollarAfter = int.MaxValue;
    private int _noDisplayBracketAfter = int.MaxValue;
    private int _parenClose = -2;
    private int _newline = -2;

    /// <summary>The text scanned.</summary>
    public string Text => text;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MathSpan? At(int i, bool fractions)
    {
        char c = text[i];
        bool escaped = i > 0 && text[i - 1] == '\\';
        MathSpan? span = null;
        if (c == '$' && !escaped)
        {
            span = Next(i + 1) == '$' ? DisplayDollar(i) ?? InlineDollar(i) : InlineDollar(i);
        }
        else if (c == '\\' && !escaped && Next(i + 1) == '[')
        {
            span = DisplayBracket(i);
        }
        else if (c == '\\' && !escaped && Next(i + 1) == '(')
        {
            span = InlineParen(i);
        }
        else if (char.IsWhiteSpace(c) && Next(i + 1) == '[')
        {
            span = InlineBracket(i);
        }
        else if (fractions && (c == '\\' || c == '-'))
        {
            span = Fraction(i);
        }

        return span is { } s ? WithPercent(s) : null;
    }

    private char Next(int i) => i < text.Length ? text[i] : '\0';

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MathSpan? DisplayDollar(int i)
    {
        if (i >= _noDisplayDollarAfter)
        {
            return null;
        }

        // The first "$$" after at least one character closes, unless escaped.
        for (int j = i + 3; j < text.Length; j++)
        {
            int k = text.IndexOf("$$", j, StringComparison.Ordinal);
            if (k < 0)
            {
                _noDisplayDollarAfter = i;
                return null;
            }

            if (text[k - 1] != '\\')
            {
                return new MathSpan(i, k + 2, i + 2, k, false);
            }

            j = k;
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MathSpan? InlineDollar(int i)
    {
        if (i > 0 && char.IsAsciiDigit(text[i - 1]))
        {
            return null; // "5$" is a price, not an opening delimiter
        }

        for (int j = i + 1; j < text.Length; j++)
        {
            char c = text[j];
            if (c == '\n')
            {
                return null;
            }

            if (c == '\\' && Next(j + 1) == '$')
            {
                j++;
                continue;
            }

            if (c == '$')
            {
                return j > i + 1 ? new MathSpan(i, j + 1, i + 1, j, false) : null;
            }
        }

        return null;
    }

    private MathSpan? DisplayBracket(int i)
    {
        if (i >= _noDisplayBracketAfter)
        {
            return null;
        }

        int k = text.IndexOf("\\]", i + 2, StringComparison.Ordinal);
        if (k < 0)
        {
            _noDisplayBracketAfter = i;
            return null;
        }

        // "\\]" cannot close and cannot be inside: the environment fails here, as the pattern would.
        return k > i + 2 && text[k - 1] != '\\' ? new MathSpan(i, k + 2, i + 2, k, false) : null;
    }

    private MathSpan? InlineParen(int i)
    {
        // The first "\)" closes (or, escaped, fails), and it must come before the line ends.
        if (_parenClose != -1 && _parenClose < i + 2)
        {
            _parenClose = text.IndexOf("\\)", i + 2, StringComparison.Ordinal);
        }

        if (_newline != -1 && _newline < i)
        {
            _newline = text.IndexOf('\n', i);
        }

        int close = _parenClose;
        if (close < 0 || (_newline >= 0 && _newline < close))
        {
            return null;
        }

        return close > i + 2 && text[close - 1] != '\\' ? new MathSpan(i, close + 2, i + 2, close, false) : null;
    }

    private MathSpan? InlineBracket(int i)
    {
        // " [ 9 ] ": whitespace on both sides, one line, nothing nested.
        int open = i + 1;
        int close = text.AsSpan(open + 1).IndexOfAny("[]\n");
        if (close < 0)
        {
            return null;
        }

        close += open + 1;
        if (text[close] != ']' || close == open + 1 || close + 1 >= text.Length || !char.IsWhiteSpace(text[close + 1]))
        {
            return null;
        }

        return new MathSpan(i, close + 2, open + 1, close, false);
    }

    private MathSpan? Fraction(int i)
    {
        // A bare "\frac{3}{4}" (or "-\frac{3}{4}") outside any environment, with plain numbers only.
        int j = i;
        if (text[j] == '-')
        {
            j++;
        }

        if (string.CompareOrdinal(text, j, "\\frac{", 0, 6) != 0)
        {
            return null;
        }

        int afterNum = SimpleNumber(j + 6);
        if (afterNum < 0 || Next(afterNum) != '}' || Next(afterNum + 1) != '{')
        {
            return null;
        }

        int afterDen = SimpleNumber(afterNum + 2);
        return afterDen >= 0 && Next(afterDen) == '}' ? new MathSpan(i, afterDen + 1, i, afterDen + 1, false) : null;
    }

    /// <summary>The end of <c>-?\d+([.,]\d+)?</c> at <paramref name="i"/>, or -1.</summary>
    private int SimpleNumber(int i)
    {
        if (Next(i) == '-')
        {
            i++;
        }

        int start = i;
        while (char.IsAsciiDigit(Next(i)))
        {
            i++;
        }

        if (i == start)
        {
            return -1;
        }

        if (Next(i) is '.' or ',' && char.IsAsciiDigit(Next(i + 1)))
        {
            i++;
            while (char.IsAsciiDigit(Next(i)))
            {
                i++;
            }
        }

        return i;
    }

    private MathSpan WithPercent(MathSpan s)
    {
        int end = PercentSuffix.After(text, s.End);
        return end < 0 ? s : s with { End = end, Percent = true };
    }

    /// <summary>The group that starts exactly at <paramref name="i"/> (after optional whitespace when <paramref name="skipSpace"/>), or null.</summary>
    public SpanGroup? GroupAt(int i, bool skipSpace)
    {
        if (skipSpace)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]) && !(i + 1 < text.Length && text[i + 1] == '['))
            {
                i++;
            }
        }

        if (i >= text.Length || At(i, fractions: true) is not { } first)
        {
            return null;
        }

        var members = new List<MathSpan> { first };
        while (members.Count < MathSpans.MaxGroup)
        {
            int j = MathSpans.AfterSeparator(text, members[^1].End);
            if (j < 0 || j >= text.Length || At(j, fractions: true) is not { } next)
            {
                break;
            }

            members.Add(next);
        }

        return new SpanGroup(members);
    }
}
