using System.Buffers;
using System.Text;

namespace Ttc.Math.Extraction;

/// <summary>
/// Answers announced by a phrase: "final answer is $x$. I hope", "Final Answer: the largest $n$ is 34",
/// "Answer: 9", "the answer is \(9\)", in English and a few other languages. Each finder returns every
/// match, left to right, with the index where it ends, so the caller can prefer the last statement.
/// </summary>
internal static class AnswerPhrases
{
    /// <summary>How far after "final answer" its "is" may come, and after "answer" the answer itself.</summary>
    private const int FinalReach = 100;
    private const int AnswerReach = 50;

    /// <summary>Only the last this many mentions of a phrase are looked at.</summary>
    private const int MaxOccurrences = 256;

    private static readonly string[] FinalAnswer =
    [
        "final answer", "réponse finale", "reponse finale", "respuesta final", "resposta final", "risposta finale",
        "endgültige antwort", "endgultige antwort", "окончательный ответ", "最终答案", "最終答案", "最終的な答え",
    ];

    private static readonly string[] AnswerWords =
    [
        "answer", "réponse", "reponse", "respuesta", "resposta", "risposta", "antwort", "ответ", "答案", "答え",
    ];

    /// <summary>"is" after "final answer", in the languages above (CJK copulas need no space before them).</summary>
    private static readonly string[] Is = ["is", "est", "es", "é", "è", "ist", "是", "は", "為", "为"];

    // Vectorised case-insensitive searches: an ordinal-ignore-case IndexOf per phrase costs many times more.
    private static readonly SearchValues<string> MinervaSearch = SearchValues.Create(["final answer is"], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> FinalAnswerSearch = SearchValues.Create(FinalAnswer, StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> AnswerWordSearch = SearchValues.Create(AnswerWords, StringComparison.OrdinalIgnoreCase);

    /// <summary>The Minerva form: "final answer is ANSWER. I hope"; Math-Verify's most trusted statement.</summary>
    public static IEnumerable<TextAnswer> FinalAnswerHope(SpanScanner scanner)
    {
        var text = scanner.Text;
        foreach (int at in Occurrences(text, MinervaSearch))
        {
            int i = at + "final answer is".Length;
            i += i < text.Length && text[i] == ':' ? 1 : 0;
            int p = SkipSpace(text, i);
            var found = scanner.GroupAt(i, skipSpace: true) is { } group
                ? new TextAnswer(group.Start, group.End, GroupAnswer(text, group))
                : p > i ? NumberAfterPrefix(text, p) : null;
            if (found is { } f)
            {
                int j = f.End;
                j += j < text.Length && text[j] == '.' ? 1 : 0;
                j += j < text.Length && char.IsWhiteSpace(text[j]) ? 1 : 0;
                if (string.CompareOrdinal(text, j, "I hope", 0, 6) == 0)
                {
                    yield return f with { Start = at };
                }
            }
        }
    }

    /// <summary>"final answer ... is ANSWER" with "is" within 100 characters of "final answer"; math and numbers are separate matches.</summary>
    public static IEnumerable<TextAnswer> FinalAnswerIs(SpanScanner scanner)
    {
        var text = scanner.Text;
        foreach (bool math in new[] { true, false })
        {
            int done = 0;
            foreach (int at in Occurrences(text, FinalAnswerSearch))
            {
                if (at < done)
                {
                    continue;
                }

                int from = at + PhraseLength(text, at, FinalAnswer);
                for (int s = from; s <= from + FinalReach && s < text.Length; s++)
                {
                    if (IsAt(text, s) is not { } afterIs)
                    {
                        continue;
                    }

                    int i = afterIs < text.Length && text[afterIs] is ':' or '：' ? afterIs + 1 : afterIs;
                    var found = math
                        ? scanner.GroupAt(i, skipSpace: true) is { } group ? new TextAnswer(group.Start, group.End, GroupAnswer(text, group)) : null
                        : i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '=') ? NumberAfterPrefix(text, i + 1) : null;
                    if (found is { } f)
                    {
                        yield return f with { Start = at };
                        done = f.End;
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// "answer: ANSWER" (<paramref name="colon"/>) or "answer ... ANSWER": the first math within 50 characters, and
    /// the number after the last '=' within 100 characters or else the first number within 50, as separate matches.
    /// </summary>
    public static IEnumerable<TextAnswer> AnswerWord(SpanScanner scanner, bool colon)
    {
        var text = scanner.Text;
        foreach (bool math in new[] { true, false })
        {
            int done = 0;
            foreach (int at in Occurrences(text, AnswerWordSearch))
            {
                int from = at + PhraseLength(text, at, AnswerWords);
                if (at < done || (colon && (from >= text.Length || text[from] is not (':' or '：'))))
                {
                    continue;
                }

                from += colon ? 1 : 0;
                var found = math ? FirstMath(scanner, from) : AfterLastEquals(text, from) ?? FirstNumber(text, from);
                if (found is { } f)
                {
                    yield return f with { Start = at };
                    done = f.End;
                }
            }
        }
    }

    private static TextAnswer? FirstMath(SpanScanner scanner, int from)
    {
        var text = scanner.Text;
        for (int s = from; s <= from + AnswerReach && s < text.Length; s++)
        {
            if (scanner.GroupAt(s, skipSpace: false) is { } group)
            {
                return new TextAnswer(group.Start, group.End, GroupAnswer(text, group));
            }
        }

        return null;
    }

    private static TextAnswer? AfterLastEquals(string text, int from)
    {
        for (int e = System.Math.Min(from + FinalReach, text.Length) - 1; e >= from; e--)
        {
            if (text[e] == '=' && SkipSpace(text, e + 1) is var q && q > e + 1 && NumberAfterPrefix(text, q, notBeforeEquals: true) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static TextAnswer? FirstNumber(string text, int from)
    {
        for (int s = from; s <= from + AnswerReach && s < text.Length; s++)
        {
            if ((char.IsWhiteSpace(text[s]) || text[s] == '=') && NumberAfterPrefix(text, s + 1, notBeforeEquals: true) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>An expression or else a number at <paramref name="q"/> (just after its space or '='); with <paramref name="notBeforeEquals"/>, not one an '=' follows.</summary>
    private static TextAnswer? NumberAfterPrefix(string text, int q, bool notBeforeEquals = false)
    {
        if (q >= text.Length)
        {
            return null;
        }

        if (TextNumbers.ExpressionAt(text, q) is { } expression && !(notBeforeEquals && FollowedByEquals(text, expression.End)))
        {
            return expression;
        }

        return TextNumbers.NumberAt(text, q) is { } number && !(notBeforeEquals && FollowedByEquals(text, number.End)) ? number : null;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>The answer a group of environments states: each one's boxes if it has any, else its content; percent kept.</summary>
    public static string GroupAnswer(string text, SpanGroup group)
    {
        var sb = new StringBuilder();
        foreach (var span in group.Spans)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            var content = span.Content(text);
            var boxed = content.Contains("boxed", StringComparison.Ordinal) || content.Contains("fbox", StringComparison.Ordinal)
                ? BoxedAnswers.Find(content, null)?.Answer : null;
            sb.Append(boxed ?? content);
            if (span.Percent)
            {
                sb.Append("\\%");
            }
        }

        return sb.ToString();
    }

    private static bool FollowedByEquals(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i < text.Length && text[i] == '=';
    }

    /// <summary>The index after whitespace and "is" (or another language's copula) at <paramref name="s"/>, or null.</summary>
    private static int? IsAt(string text, int s)
    {
        int i = s;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        foreach (var word in Is)
        {
            bool cjk = word[0] > 0x2E80;
            if ((i > s || (cjk && i == s)) && string.CompareOrdinal(text, i, word, 0, word.Length) == 0)
            {
                return i + word.Length;
            }
        }

        return null;
    }

    /// <summary>
    /// Indices where any of <paramref name="phrases"/> starts, case-insensitively, left to right; only the last
    /// <see cref="MaxOccurrences"/>, since the last statement wins and the work must stay bounded.
    /// </summary>
    private static List<int> Occurrences(string text, SearchValues<string> phrases)
    {
        var found = new List<int>();
        var span = text.AsSpan();
        for (int from = 0; from < span.Length;)
        {
            int at = span[from..].IndexOfAny(phrases);
            if (at < 0)
            {
                break;
            }

            found.Add(from + at);
            from += at + 1;
        }

        return found.Count > MaxOccurrences ? found[^MaxOccurrences..] : found;
    }

    private static int PhraseLength(string text, int at, string[] phrases)
    {
        foreach (var phrase in phrases)
        {
            if (string.Compare(text, at, phrase, 0, phrase.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return phrase.Length;
            }
        }

        return 0;
    }
}
