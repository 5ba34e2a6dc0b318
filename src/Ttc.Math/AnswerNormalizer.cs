using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Ttc.Math;

/// <summary>
/// Brings an answer to a canonical string form, so that answers that differ only in notation compare
/// equal as strings: spacing, <c>\left</c>/<c>\right</c>, <c>\dfrac</c>, <c>\text{}</c> and unit words,
/// degrees, dollar signs, thousands separators, "and"/"or" between parts, trailing punctuation. A percent
/// sign or word becomes <c>\%</c> (its meaning is decided at comparison). Applying it twice changes nothing.
/// </summary>
public static partial class AnswerNormalizer
{
    /// <summary>Answers longer than this are compared as they are: normalizing garbage is wasted work.</summary>
    public const int MaxLength = 2000;

    /// <summary>Returns the canonical form of <paramref name="answer"/> (never null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Normalize(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return string.Empty;
        }

        if (answer.Length > MaxLength)
        {
            return answer.Trim();
        }

        if (IsInteger(answer))
        {
            return answer; // most answers are integers, which no rewrite changes
        }

        // The rewrites below reach a fixed point in a few rounds; looping makes Normalize idempotent.
        string current = answer;
        try
        {
            for (int round = 0; round < 8; round++)
            {
                string next = Once(current);
                if (next == current)
                {
                    break;
                }

                current = next;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Every pattern is linear on sane input; one that is not is not an answer either.
            return answer.Trim();
        }

        return current;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Once(string s)
    {
        s = TrimPunctuation(s.Replace('\n', ' ').Replace('~', ' ').Trim());
        bool commands = s.Contains('\\', StringComparison.Ordinal);
        s = commands ? RemoveThinSpaces(s) : s;
        if (commands && s.Contains("\\\\", StringComparison.Ordinal) && !s.Contains("matrix", StringComparison.Ordinal))
        {
            // A doubled backslash before a command is an escaped command; in a matrix it ends a row.
            s = EscapedCommand().Replace(s, "\\");
        }

        s = s.Contains("{,}", StringComparison.Ordinal) ? BracedComma().Replace(s, "$1$2") : s;
        s = s.Contains("{array}", StringComparison.Ordinal) ? ArrayBegin().Replace(s, "\\begin{pmatrix}") : s;
        s = s.Replace("\\end{array}", "\\end{pmatrix}", StringComparison.Ordinal)
            .Replace("bmatrix", "pmatrix", StringComparison.Ordinal)
            .Replace("\\tfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\dfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\cfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\neq", "\\ne", StringComparison.Ordinal)
            .Replace("\\leq", "\\le", StringComparison.Ordinal)
            .Replace("\\geq", "\\ge", StringComparison.Ordinal)
            .Replace("\\left", string.Empty, StringComparison.Ordinal)
            .Replace("\\right", string.Empty, StringComparison.Ordinal)
            .Replace("\\{", "{", StringComparison.Ordinal)
            .Replace("\\}", "}", StringComparison.Ordinal)
            .Replace("\\qquad", " ", StringComparison.Ordinal)
            .Replace("\\quad", " ", StringComparison.Ordinal);
        s = Joiners(s);
        s = Units(s);
        s = s.Replace("^{\\circ}", string.Empty, StringComparison.Ordinal)
            .Replace("^\\circ", string.Empty, StringComparison.Ordinal)
            .Replace("\\circ", string.Empty, StringComparison.Ordinal)
            .Replace("°", string.Empty, StringComparison.Ordinal)
            .Replace("\\$", string.Empty, StringComparison.Ordinal)
            .Replace("$", string.Empty, StringComparison.Ordinal)
            .Replace("\\(", string.Empty, StringComparison.Ordinal)
            .Replace("\\)", string.Empty, StringComparison.Ordinal);
        s = s.AsSpan().IndexOfAny(TextCommands) >= 0 ? TextCommand().Replace(s, "$1") : s;
        s = s.Replace("\\mathbf", string.Empty, StringComparison.Ordinal)
            .Replace("\\displaystyle", string.Empty, StringComparison.Ordinal);
        s = Percent(s);
        s = s.Replace("\\emptyset", "{}", StringComparison.Ordinal)
            .Replace("(-\\infty,\\infty)", "\\mathbb{R}", StringComparison.Ordinal)
            .Replace("infinity", "\\infty", StringComparison.Ordinal);
        s = s.Replace(" .", " 0.", StringComparison.Ordinal).Replace("{.", "{0.", StringComparison.Ordinal);
        if (s.Contains('.', StringComparison.Ordinal))
        {
            s = TrailingZeros().Replace(s, "$1$2");
            s = TrailingZerosEnd().Replace(s, "$1");
        }

        if (s.StartsWith('.'))
        {
            s = "0" + s;
        }

        s = s.Contains("\\sqrt", StringComparison.Ordinal) ? SqrtShorthand().Replace(s, "\\sqrt{$1}") : s;
        // "32, 349" is a list and "32,349" a number; "0,111" is a decimal, since no number starts with a zero group.
        if (s.Contains(',', StringComparison.Ordinal) && ThousandsNumber().IsMatch(s))
        {
            s = s.StartsWith("0,", StringComparison.Ordinal) && s.Count(c => c == ',') == 1 ? s.Replace(',', '.') : s.Replace(",", string.Empty, StringComparison.Ordinal);
        }

        s = RemoveSpaces(s);
        s = FixFracs(s);
        s = s.Contains('/', StringComparison.Ordinal) ? FixSlash(s) : s;
        if (s.Length >= 2 && ((s[0] == '{' && s[^1] == '}') || (s[0] == '(' && s[^1] == ')')) && IsAlnum(s[1..^1]))
        {
            s = s[1..^1];
        }

        return TrimPunctuation(s.Trim());
    }

    /// <summary><c>\frac12</c> → <c>\frac{1}{2}</c>, <c>\frac1{72}</c> → <c>\frac{1}{72}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string FixFracs(string s)
    {
        var parts = s.Split("\\frac");
        if (parts.Length == 1)
        {
            return s;
        }

        var sb = new StringBuilder(parts[0]);
        foreach (var part in parts.Skip(1))
        {
            sb.Append("\\frac");
            if (part.Length > 0 && part[0] == '{')
            {
                sb.Append(part);
                continue;
            }

            if (part.Length < 2)
            {
                return s;
            }

            char a = part[0], b = part[1];
            if (b != '{')
            {
                sb.Append('{').Append(a).Append("}{").Append(b).Append('}').Append(part.AsSpan(2));
            }
            else
            {
                sb.Append('{').Append(a).Append('}').Append(part.AsSpan(1));
            }
        }

        return sb.ToString();
    }

    /// <summary><c>3/4</c> → <c>\frac{3}{4}</c> for plain integers only.</summary>
    private static string FixSlash(string s)
    {
        var m = IntegerSlash().Match(s);
        return m.Success ? $"\\frac{{{m.Groups[1].Value}}}{{{m.Groups[2].Value}}}" : s;
    }

    private static bool IsInteger(string s)
    {
        int start = s.Length > 1 && s[0] == '-' ? 1 : 0;
        for (int i = start; i < s.Length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlnum(string s) => s.Length > 0 && s.All(char.IsLetterOrDigit);

    // Doubly escaped commands ("\\\\frac" from JSON-in-text) are single commands.
    [GeneratedRegex(@"(?<!\\)\\\\(?=[A-Za-z])", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex EscapedCommand();

    [GeneratedRegex(@"(\d)\{,\}(\d)", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex BracedComma();

    [GeneratedRegex(@"\\begin\{array\}\{[^}]*\}", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex ArrayBegin();

    [GeneratedRegex(@"\\(?:text|textnormal|textrm|textit|textbf|textsf|mathrm|mathit|mathsf|mbox)\{([^{}]*)\}", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TextCommand();

    [GeneratedRegex(@"(\d+)\.0*([^\d])", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TrailingZeros();

    [GeneratedRegex(@"(\d+)\.0*$", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TrailingZerosEnd();

    [GeneratedRegex(@"\\sqrt(\w+)", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex SqrtShorthand();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex ThousandsNumber();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex IntegerSlash();
}
