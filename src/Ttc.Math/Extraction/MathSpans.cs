using System.Runtime.CompilerServices;

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
    internal const int MaxGroup = 6;

    /// <summary>All environments of <paramref name="text"/>, left to right, not overlapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<MathSpan> FindAll(string text, bool fractions = true)
    {
        var spans = new List<MathSpan>();
        var scanner = new SpanScanner(text);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Whether only a joining word or comma (",", "and", "or", ", and") stands between two environments.</summary>
    private static bool Joined(string text, int from, int to) => AfterSeparator(text, from) is var j && j >= 0 && j <= to && OnlySpace(text, j, to);

    /// <summary>The index after <c>\s*(,?and|,?or|,)\s*</c> at <paramref name="i"/>, or -1.</summary>
    internal static int AfterSeparator(string text, int i)
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
}
