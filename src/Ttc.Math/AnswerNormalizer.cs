using System.Text;
using System.Text.RegularExpressions;

namespace Ttc.Math;

/// <summary>
/// Brings an answer to the canonical string form of the MATH grading convention, so that answers
/// that differ only in notation compare equal as strings. Applying it twice changes nothing.
/// </summary>
public static partial class AnswerNormalizer
{
    /// <summary>Answers longer than this are compared as they are: normalizing garbage is wasted work.</summary>
    public const int MaxLength = 2000;

    private static readonly string[] UnitWords =
    [
        "degrees", "degree", "deg", "cm", "mm", "km", "meters", "meter", "metres", "metre", "inches", "inch",
        "feet", "foot", "ft", "miles", "mile", "mph", "yards", "yard", "units", "unit", "square", "sq", "cubic",
        "dollars", "dollar", "cents", "cent", "hours", "hour", "minutes", "minute", "seconds", "second", "sec",
        "days", "day", "weeks", "week", "months", "month", "years", "year", "pounds", "lbs", "lb", "ounces",
        "grams", "kg", "liters", "litres", "gallons", "gallon", "people", "students", "points", "ways", "percentage", "percent", "pct",
    ];

    /// <summary>Returns the canonical form of <paramref name="answer"/> (never null).</summary>
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

        // The rewrites below reach a fixed point in a few rounds; looping makes Normalize idempotent.
        string current = answer;
        for (int round = 0; round < 8; round++)
        {
            string next = Once(current);
            if (next == current)
            {
                break;
            }

            current = next;
        }

        return current;
    }

    private static string Once(string s)
    {
        s = s.Replace("\n", string.Empty, StringComparison.Ordinal).Trim().TrimEnd('.').Trim();
        s = ThinSpace().Replace(s, string.Empty);
        s = EscapedCommand().Replace(s, "\\");
        s = BracedComma().Replace(s, "$1$2");
        s = ArrayBegin().Replace(s, "\\begin{pmatrix}");
        s = s.Replace("\\end{array}", "\\end{pmatrix}", StringComparison.Ordinal)
            .Replace("bmatrix", "pmatrix", StringComparison.Ordinal)
            .Replace("\\tfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\dfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\neq", "\\ne", StringComparison.Ordinal)
            .Replace("\\leq", "\\le", StringComparison.Ordinal)
            .Replace("\\geq", "\\ge", StringComparison.Ordinal)
            .Replace("\\left", string.Empty, StringComparison.Ordinal)
            .Replace("\\right", string.Empty, StringComparison.Ordinal)
            .Replace("\\{", "{", StringComparison.Ordinal)
            .Replace("\\}", "}", StringComparison.Ordinal);

        // A trailing \text{...} is a unit ("5 \text{ cm}"), unless it is the whole answer.
        var withoutUnit = TrailingText().Replace(s, string.Empty).Trim();
        if (withoutUnit.Length > 0)
        {
            s = withoutUnit;
        }

        s = s.Replace("^{\\circ}", string.Empty, StringComparison.Ordinal)
            .Replace("^\\circ", string.Empty, StringComparison.Ordinal)
            .Replace("\\circ", string.Empty, StringComparison.Ordinal)
            .Replace("°", string.Empty, StringComparison.Ordinal)
            .Replace("\\$", string.Empty, StringComparison.Ordinal)
            .Replace("$", string.Empty, StringComparison.Ordinal)
            .Replace("\\(", string.Empty, StringComparison.Ordinal)
            .Replace("\\)", string.Empty, StringComparison.Ordinal);
        s = TextCommand().Replace(s, "$1");
        s = MboxCommand().Replace(s, string.Empty);
        s = s.Replace("\\mathrm", string.Empty, StringComparison.Ordinal)
            .Replace("\\mathbf", string.Empty, StringComparison.Ordinal)
            .Replace("\\textbf", string.Empty, StringComparison.Ordinal)
            .Replace("\\displaystyle", string.Empty, StringComparison.Ordinal);
        s = RemoveUnitWords(s);
        s = s.Replace("\\%", string.Empty, StringComparison.Ordinal).Replace("%", string.Empty, StringComparison.Ordinal);
        s = s.Replace("\\emptyset", "{}", StringComparison.Ordinal)
            .Replace("(-\\infty,\\infty)", "\\mathbb{R}", StringComparison.Ordinal)
            .Replace("infinity", "\\infty", StringComparison.Ordinal);
        s = s.Replace(" .", " 0.", StringComparison.Ordinal).Replace("{.", "{0.", StringComparison.Ordinal);
        s = TrailingZeros().Replace(s, "$1$2");
        s = TrailingZerosEnd().Replace(s, "$1");
        if (s.StartsWith('.'))
        {
            s = "0" + s;
        }

        s = StripShortLhs(s);
        s = SqrtShorthand().Replace(s, "\\sqrt{$1}");
        // "32, 349" is a list; "32,349" a number.
        if (ThousandsNumber().IsMatch(s))
        {
            s = s.Replace(",", string.Empty, StringComparison.Ordinal);
        }

        s = s.Replace(" ", string.Empty, StringComparison.Ordinal);

        s = FixFracs(s);
        s = FixSlash(s);
        if (s.Length >= 2 && ((s[0] == '{' && s[^1] == '}') || (s[0] == '(' && s[^1] == ')')) && IsAlnum(s[1..^1]))
        {
            s = s[1..^1];
        }

        return s.Trim();
    }

    private static string StripShortLhs(string s)
    {
        // "x = 5", "k=5", "f(x) = ..." is kept: only a lhs of at most two characters is a name.
        var parts = s.Split('=');
        if (parts.Length == 2 && parts[0].Trim().Length <= 2 && parts[0].Trim().Length > 0 && parts[1].Trim().Length > 0
            && !parts[0].Contains('<', StringComparison.Ordinal) && !parts[0].Contains('>', StringComparison.Ordinal))
        {
            return parts[1].Trim();
        }

        foreach (var key in (ReadOnlySpan<string>)["x\\in", "y\\in", "z\\in", "x\\to", "y\\to", "z\\to"])
        {
            s = s.Replace(key, string.Empty, StringComparison.Ordinal);
        }

        return s;
    }

    private static string RemoveUnitWords(string s)
    {
        foreach (var unit in UnitWords)
        {
            if (!s.Contains(unit, StringComparison.Ordinal))
            {
                continue;
            }

            // Only after a number: "5 cm" loses its unit, "\text{second}" alone stays an answer.
            var stripped = Regex.Replace(s, @"(\d)\s*(?:\\\s*)?" + unit + @"(?![A-Za-z])(\^\{?[23]\}?)?", "$1", RegexOptions.None, TimeSpan.FromMilliseconds(200));
            if (stripped.Trim().Length > 0)
            {
                s = stripped;
            }
        }

        return s;
    }

    /// <summary><c>\frac12</c> → <c>\frac{1}{2}</c>, <c>\frac1{72}</c> → <c>\frac{1}{72}</c>.</summary>
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

    private static bool IsAlnum(string s) => s.Length > 0 && s.All(char.IsLetterOrDigit);

    // "\!", "\,", "\;", "\ " are spacing; "\\ " is a row break followed by a space and stays.
    [GeneratedRegex(@"(?<!\\)\\[!,; ]")]
    private static partial Regex ThinSpace();

    // Doubly escaped commands ("\\\\frac" from JSON-in-text) are single commands; "\\\\\\end" keeps its row break.
    [GeneratedRegex(@"(?<!\\)\\\\(?=[A-Za-z])")]
    private static partial Regex EscapedCommand();

    [GeneratedRegex(@"(\d)\{,\}(\d)")]
    private static partial Regex BracedComma();

    [GeneratedRegex(@"\\begin\{array\}\{[^}]*\}")]
    private static partial Regex ArrayBegin();

    [GeneratedRegex(@"\\text\{[^{}]*\}$")]
    private static partial Regex TrailingText();

    [GeneratedRegex(@"\\(?:text|textnormal|textrm|mathrm)\{([^{}]*)\}")]
    private static partial Regex TextCommand();

    [GeneratedRegex(@"\\mbox\{[^{}]*\}")]
    private static partial Regex MboxCommand();

    [GeneratedRegex(@"(\d+)\.0*([^\d])")]
    private static partial Regex TrailingZeros();

    [GeneratedRegex(@"(\d+)\.0*$")]
    private static partial Regex TrailingZerosEnd();

    [GeneratedRegex(@"\\sqrt(\w+)")]
    private static partial Regex SqrtShorthand();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex ThousandsNumber();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$")]
    private static partial Regex IntegerSlash();
}
