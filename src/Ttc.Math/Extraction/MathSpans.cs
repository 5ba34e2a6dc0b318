namespace Ttc.Math.Extraction;

/// <summary>One math environment of a text: <c>$..$</c>, <c>$$..$$</c>, <c>\(..\)</c>, <c>\[..\]</c>, <c> [..] </c> or a bare numeric <c>\frac</c>.</summary>
/// <param name="Start">Index of the opening delimiter.</param>
/// <param name="End">Index just after the closing delimiter, or after the percent word that follows it.</param>
/// <param name="ContentStart">Index of the first character inside the delimiters.</param>
/// <param name="ContentEnd">Index just after the last character inside the delimiters.</param>
/// <param name="Percent">Whether a percent sign or word follows the environment.</param>
internal readonly record struct MathSpan(int Start, int End, int ContentStart, int ContentEnd, bool Percent)
{
    public string Content(string text) => text[ContentStart..ContentEnd];
}

/// <summary>Environments joined by "and", "or" or commas ("$1$, $2$ and $3$"), which together state one answer.</summary>
internal sealed record SpanGroup(IReadOnlyList<MathSpan> Spans)
{
    public int Start => Spans[0].Start;

    public int End => Spans[^1].End;
}

/// <summary>
/// Finds math environments the way a left-to-right, non-overlapping regex scan over Math-Verify's
/// patterns would, but with plain loops: inline forms stay on one line, display forms may span lines,
/// an escaped <c>\$</c> neither opens nor closes, and a <c>$</c> right after a digit opens nothing
/// ("costs 5$"). Every search is a forward <see cref="string.IndexOf(char, int)"/>, so a text is scanned in
/// near-linear time whatever its delimiters.
/// </summary>
internal static class MathSpans
{
    /// <summary>At most this many environments form one group (Math-Verify joins up to six).</summary>
    private const int MaxGroup = 6;

    /// <summary>All environments of <paramref name="text"/>, left to right, not overlapping.</summary>
    public static List<MathSpan> FindAll(string text, bool fractions = true)
    {
        var spans = new List<MathSpan>();
        var scanner = new Scanner(text);
        int i = 0, done = 0;
        while (i < text.Length)
        {
            int next = text.AsSpan(i).IndexOfAny("$\\[");
            if (next < 0)
            {
                break;
            }

            i += next;
            // " [..] " and "-\frac" begin one character before the character that found them.
            int start = i > done && ((text[i] == '[' && char.IsWhiteSpace(text[i - 1])) || (text[i] == '\\' && text[i - 1] == '-')) ? i - 1 : i;
            var found = scanner.At(start, fractions) ?? (start != i ? scanner.At(i, fractions) : null);
            if (found is { } span)
            {
                spans.Add(span);
                i = done = span.End;
            }
            else
            {
                i++;
            }
        }

        return spans;
    }

    /// <summary>The groups formed by <paramref name="spans"/> (as returned by <see cref="FindAll"/>), left to right.</summary>
    public static List<SpanGroup> Group(string text, List<MathSpan> spans)
    {
        var groups = new List<SpanGroup>();
        int k = 0;
        while (k < spans.Count)
        {
            var members = new List<MathSpan> { spans[k] };
            while (k + 1 < spans.Count && members.Count < MaxGroup && Joined(text, spans[k].End, spans[k + 1].Start))
            {
                members.Add(spans[++k]);
            }

            groups.Add(new SpanGroup(members));
            k++;
        }

        return groups;
    }

    /// <summary>The group that starts exactly at <paramref name="i"/> (after optional whitespace when <paramref name="skipSpace"/>), or null.</summary>
    public static SpanGroup? GroupAt(string text, int i, bool skipSpace)
    {
        if (skipSpace)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]) && !(i + 1 < text.Length && text[i + 1] == '['))
            {
                i++;
            }
        }

        var scanner = new Scanner(text);
        if (i >= text.Length || scanner.At(i, fractions: true) is not { } first)
        {
            return null;
        }

        var members = new List<MathSpan> { first };
        while (members.Count < MaxGroup)
        {
            int j = AfterSeparator(text, members[^1].End);
            if (j < 0 || scanner.At(j, fractions: true) is not { } next)
            {
                break;
            }

            members.Add(next);
        }

        return new SpanGroup(members);
    }

    /// <summary>Whether only a joining word or comma (",", "and", "or", ", and") stands between two environments.</summary>
    private static bool Joined(string text, int from, int to) => AfterSeparator(text, from) is var j && j >= 0 && j <= to && OnlySpace(text, j, to);

    /// <summary>The index after <c>\s*(,?and|,?or|,)\s*</c> at <paramref name="i"/>, or -1.</summary>
    private static int AfterSeparator(string text, int i)
    {
        i = SkipSpace(text, i);
        bool comma = i < text.Length && text[i] == ',';
        int word = comma ? i + 1 : i;
        if (string.CompareOrdinal(text, word, "and", 0, 3) == 0)
        {
            return SkipSpace(text, word + 3);
        }

        if (string.CompareOrdinal(text, word, "or", 0, 2) == 0)
        {
            return SkipSpace(text, word + 2);
        }

        return comma ? SkipSpace(text, i + 1) : -1;
    }

    private static bool OnlySpace(string text, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Matches environments at a position; remembers closing delimiters that are absent so a text full of openers stays linear.</summary>
    private sealed class Scanner(string text)
    {
        private int _noDisplayDollarAfter = int.MaxValue;
        private int _noDisplayBracketAfter = int.MaxValue;

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
            for (int j = i + 2; j + 1 < text.Length; j++)
            {
                if (text[j] == '\n')
                {
                    return null;
                }

                if (text[j] == '\\' && text[j + 1] == ')')
                {
                    return j > i + 2 && text[j - 1] != '\\' ? new MathSpan(i, j + 2, i + 2, j, false) : null;
                }
            }

            return null;
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
    }
}
