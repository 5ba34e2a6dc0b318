using System.Text.RegularExpressions;

namespace Ttc.Math;

/// <summary>Finds the final answer in a model's output, in the order the MATH grading convention uses.</summary>
public static partial class AnswerExtractor
{
    /// <summary>
    /// Returns the raw final answer of <paramref name="text"/>: the Minerva form
    /// "final answer is $...$. I hope" (with a <c>\boxed{}</c> inside it unwrapped), else the last
    /// <c>\boxed{...}</c> or <c>\fbox{...}</c> with balanced braces, else the text after "The answer is";
    /// else <see langword="null"/>. With <paramref name="lastNumberFallback"/> the last number in the
    /// text is taken when nothing else matches (what the reference's parser does; off by default because it is a guess).
    /// </summary>
    public static string? Extract(string? text, bool lastNumberFallback = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        text = text.Replace("\u043a\u0438", string.Empty, StringComparison.Ordinal);
        string? answer = null;
        const string minerva = "final answer is $";
        int m = text.IndexOf(minerva, StringComparison.Ordinal);
        int hope = m < 0 ? -1 : text.IndexOf("$. I hope", m + minerva.Length, StringComparison.Ordinal);
        if (m >= 0 && hope >= 0)
        {
            answer = text[(m + minerva.Length)..hope].Trim();
        }
        else if (LastBoxed(text) is { } boxed)
        {
            answer = boxed;
        }
        else if (AfterPhrase(text, "he answer is") is { } said)
        {
            answer = said;
        }
        else if (AfterPhrase(text, "final answer is") is { } final)
        {
            answer = final;
        }
        else if (lastNumberFallback)
        {
            var numbers = NumberPattern().Matches(text.Replace(",", string.Empty, StringComparison.Ordinal));
            answer = numbers.Count > 0 ? numbers[^1].Value : string.Empty;
        }

        if (answer is null)
        {
            return null;
        }

        // "final answer is: $\boxed{42}$" keeps the box inside the Minerva span.
        if (answer.Contains("boxed", StringComparison.Ordinal) && LastBoxed(answer) is { } inner)
        {
            answer = inner;
        }

        answer = NewlineRun().Replace(answer, string.Empty).Trim();
        if (answer.StartsWith(':'))
        {
            answer = answer[1..].TrimStart();
        }

        answer = answer.TrimEnd('.', '/').Trim();
        return answer;
    }

    /// <summary>The content of the last <c>\boxed{...}</c> or <c>\fbox{...}</c>, braces balanced; <c>\boxed 5</c> is accepted.</summary>
    public static string? LastBoxed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = System.Math.Max(LastCommand(text, "\\boxed"), LastCommand(text, "\\fbox"));
        if (at < 0)
        {
            return null;
        }

        int i = at;
        while (i < text.Length && char.IsLetter(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '{')
        {
            int depth = 0;
            for (int j = i; j < text.Length; j++)
            {
                depth += text[j] switch { '{' => 1, '}' => -1, _ => 0 };
                if (depth == 0)
                {
                    return text[(i + 1)..j];
                }
            }

            return null; // unbalanced: no answer rather than a truncated one
        }

        if (i < text.Length && text[i] == ' ')
        {
            var rest = text[(i + 1)..];
            int end = rest.IndexOfAny(['$', '\n']);
            return (end < 0 ? rest : rest[..end]).Trim();
        }

        return null;
    }

    private static int LastCommand(string text, string command)
    {
        int at = text.LastIndexOf(command, StringComparison.Ordinal);
        return at < 0 ? -1 : at + 1;
    }

    private static string? AfterPhrase(string text, string phrase)
    {
        int at = text.LastIndexOf(phrase, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = text[(at + phrase.Length)..].Trim();
        int cut = rest.IndexOf("\n\n", StringComparison.Ordinal);
        rest = cut < 0 ? rest : rest[..cut];
        rest = rest.Trim().Trim('$').Trim();
        return rest.Length == 0 ? null : rest;
    }

    [GeneratedRegex(@"-?\d*\.?\d+")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"\n\s*")]
    private static partial Regex NewlineRun();
}
