using System.Runtime.CompilerServices;

namespace Ttc.Math.Extraction;

/// <summary>One <c>\boxed{...}</c> or <c>\fbox{...}</c>: where its command starts, its content, and where it ends.</summary>
internal readonly record struct Box(int Command, int End, string Content);

/// <summary>
/// The boxed answer of a text. Several boxes state one answer together when they stand close
/// ("\boxed{1}\boxed{2}", "\boxed{(2, 2)} and \boxed{(6, 2)}"), or when the last box sits in a math
/// environment that holds other boxes; the answer is then the list of their contents.
/// </summary>
internal static class BoxedAnswers
{
    /// <summary>Boxes further apart than this, with a joining word or comma between them, are separate statements.</summary>
    private const int JoinedGap = 70;

    /// <summary>Boxes closer than this always belong together.</summary>
    private const int AdjacentGap = 10;

    /// <summary>Walking left stops after this many boxes: no answer lists more.</summary>
    private const int MaxBoxes = 64;

    /// <summary>The boxed answer of <paramref name="text"/> and the index where its match ends, or null when no box closes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TextAnswer? Find(string text, IReadOnlyList<SpanGroup>? groups)
    {
        int last = LastCommand(text, text.Length);
        if (last < 0 || Read(text, last, text.Length) is not { } lastBox)
        {
            return null;
        }

        // The environment holding the last box wins when nothing closes after it, as its match then ends last.
        if (groups is not null && Enclosing(text, groups, last) is { } group && text.IndexOf('}', group.End) < 0)
        {
            var parts = new List<string>();
            foreach (var span in group.Spans)
            {
                var boxes = All(text, span.ContentStart, span.ContentEnd);
                if (boxes.Count > 0)
                {
                    parts.Add(string.Join(", ", boxes) + (span.Percent ? "\\%" : string.Empty));
                }
            }

            if (parts.Count > 0)
            {
                return new TextAnswer(group.Start, group.End, string.Join(", ", parts));
            }
        }

        var contents = new List<string> { lastBox.Content };
        int right = last;
        for (int n = 0; n < MaxBoxes; n++)
        {
            int at = LastCommand(text, right);
            if (at < 0 || Read(text, at, right) is not { } box || !Together(text, box, right, contents[^1]))
            {
                break;
            }

            if (box.Content != contents[^1])
            {
                contents.Add(box.Content);
            }

            right = at;
        }

        contents.Reverse();
        return new TextAnswer(last, text.LastIndexOf('}') + 1, string.Join(", ", contents));
    }

    /// <summary>The content of the box whose command starts at <paramref name="at"/>, with braces balanced before <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Box? Read(string text, int at, int limit)
    {
        int i = at + 1;
        while (i < text.Length && char.IsAsciiLetter(text[i]))
        {
            i++;
        }

        while (i < limit && char.IsWhiteSpace(text[i]) && text[i] != '\n')
        {
            i++;
        }

        if (i < limit && text[i] == '{')
        {
            int depth = 0;
            for (int j = i; j < limit; j++)
            {
                depth += text[j] switch { '{' => 1, '}' => -1, _ => 0 };
                if (depth == 0)
                {
                    return new Box(at, j + 1, text[(i + 1)..j].Trim());
                }
            }

            return null; // unbalanced: no answer rather than a truncated one
        }

        if (i > at + 1 && i < limit && text[i - 1] == ' ')
        {
            // "\boxed 5": up to the end of the environment or line.
            int end = text.AsSpan(i, limit - i).IndexOfAny('$', '\n');
            end = end < 0 ? limit : i + end;
            var content = text[i..end].Trim();
            return content.Length == 0 ? null : new Box(at, end, content);
        }

        return null;
    }

    /// <summary>Index of the last <c>\boxed</c> or <c>\fbox</c> command that starts before <paramref name="before"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int LastCommand(string text, int before)
    {
        var head = text.AsSpan(0, System.Math.Min(before, text.Length));
        return System.Math.Max(head.LastIndexOf("\\boxed", StringComparison.Ordinal), head.LastIndexOf("\\fbox", StringComparison.Ordinal));
    }

    /// <summary>The contents of every box between <paramref name="from"/> and <paramref name="to"/>, left to right, consecutive repeats dropped.</summary>
    private static List<string> All(string text, int from, int to)
    {
        var found = new List<string>();
        int right = to;
        for (int n = 0; n < MaxBoxes; n++)
        {
            int at = LastCommand(text, right);
            if (at < from)
            {
                break;
            }

            if (Read(text, at, right) is { } box && (found.Count == 0 || found[^1] != box.Content))
            {
                found.Add(box.Content);
            }

            right = at;
        }

        found.Reverse();
        return found;
    }

    /// <summary>Whether <paramref name="box"/> belongs with the box to its right that starts at <paramref name="right"/>.</summary>
    private static bool Together(string text, Box box, int right, string rightContent)
    {
        int gap = right - box.End;
        if (gap < AdjacentGap)
        {
            return true;
        }

        return gap < JoinedGap && box.Content != rightContent && HasSeparator(text.AsSpan(box.End, gap));
    }

    /// <summary>A comma, a semicolon, or the word "and" or "or".</summary>
    private static bool HasSeparator(ReadOnlySpan<char> between)
    {
        if (between.IndexOfAny(',', ';') >= 0)
        {
            return true;
        }

        foreach (var word in (ReadOnlySpan<string>)["and", "or"])
        {
            for (int i = between.IndexOf(word, StringComparison.Ordinal); i >= 0;)
            {
                int end = i + word.Length;
                bool startsWord = i == 0 || !char.IsLetterOrDigit(between[i - 1]);
                bool endsWord = end >= between.Length || !char.IsLetterOrDigit(between[end]);
                if (startsWord && endsWord)
                {
                    return true;
                }

                int next = between[end..].IndexOf(word, StringComparison.Ordinal);
                i = next < 0 ? -1 : end + next;
            }
        }

        return false;
    }

    /// <summary>The group whose environments contain index <paramref name="at"/>, trimmed to the environments that hold boxes.</summary>
    private static SpanGroup? Enclosing(string text, IReadOnlyList<SpanGroup> groups, int at)
    {
        foreach (var group in groups)
        {
            for (int k = 0; k < group.Spans.Count; k++)
            {
                var span = group.Spans[k];
                if (at < span.ContentStart || at >= span.ContentEnd)
                {
                    continue;
                }

                // Environments joined to this one count only while each of them holds a box.
                int first = k;
                while (first > 0 && HoldsBox(text, group.Spans[first - 1]))
                {
                    first--;
                }

                return new SpanGroup(group.Spans.Skip(first).Take(k - first + 1).ToList());
            }
        }

        return null;
    }

    private static bool HoldsBox(string text, MathSpan span)
    {
        var content = text.AsSpan(span.ContentStart, span.ContentEnd - span.ContentStart);
        return content.Contains("\\boxed", StringComparison.Ordinal) || content.Contains("\\fbox", StringComparison.Ordinal);
    }
}
