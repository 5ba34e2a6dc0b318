using System.Buffers;
using System.Text.RegularExpressions;

namespace Ttc.Math;

/// <summary>Words around an answer: units, percent words, "and"/"or" between its parts.</summary>
public static partial class AnswerNormalizer
{
    private static readonly SearchValues<string> UnitWords = SearchValues.Create(
        ["deg", "cm", "mm", "km", "met", "inch", "fe", "foot", "ft", "mile", "mph", "yard", "unit", "sq", "cubic", "dollar", "cent",
         "hour", "minute", "second", "sec", "day", "week", "month", "year", "pound", "lb", "ounce", "gram", "kg", "lit", "gallon",
         "people", "student", "point", "ways"],
        StringComparison.Ordinal);

    // Unit words after a number, longest first so "inches" is not read as "inch" + "es".
    [GeneratedRegex(@"(\d)\s*(?:\\\s*)?(?:students|degrees|dollars|minutes|seconds|gallons|degree|meters|metres|inches|square|dollar|minute|second|months|pounds|ounces|liters|litres|gallon|people|points|meter|metre|miles|yards|units|cubic|cents|hours|weeks|month|years|grams|inch|feet|foot|mile|yard|unit|cent|hour|days|week|year|ways|deg|mph|sec|day|lbs|cm|mm|km|ft|sq|lb|kg)(?![A-Za-z])(?:\^\{?[23]\}?)?", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex UnitAfterNumber();

    /// <summary>"and" and "or" between parts of an answer are list separators: "12 \text{ and } 13" is "12, 13".</summary>
    private static string Joiners(string s)
    {
        if (!s.Contains("and", StringComparison.Ordinal) && !s.Contains("or", StringComparison.Ordinal))
        {
            return s;
        }

        s = TextJoiner().Replace(s, ",");
        return WordJoiner().Replace(s, ",");
    }

    /// <summary>
    /// A trailing <c>\text{...}</c> or <c>\mbox{...}</c> word (with an optional square or cube) is a unit ("15\mbox{ cm}^2",
    /// "0.06 \text{ yuan}"), unless it is the whole answer; unit words after a number go too ("5 cm").
    /// </summary>
    private static string Units(string s)
    {
        if (s.AsSpan().IndexOfAny(TextCommands) >= 0 && TrailingTextUnit().Replace(s, string.Empty).Trim() is { Length: > 0 } withoutText)
        {
            s = withoutText;
        }

        if (s.AsSpan().IndexOfAny(UnitWords) < 0 || !s.Any(char.IsAsciiDigit))
        {
            return s;
        }

        var stripped = UnitAfterNumber().Replace(s, "$1");
        return stripped.Trim().Length > 0 ? stripped : s;
    }

    /// <summary>Percent words become <c>\%</c> and a bare <c>%</c> is escaped, so every percentage is written one way.</summary>
    private static string Percent(string s)
    {
        if (s.Contains("perc", StringComparison.Ordinal) || s.Contains("pct", StringComparison.Ordinal))
        {
            s = PercentWord().Replace(s, "\\%");
        }

        return s.Contains('%', StringComparison.Ordinal) ? BarePercent().Replace(s, "\\%") : s;
    }

    [GeneratedRegex(@",?\s*\\text\{\s*(?:and|or)\s*\}\s*", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TextJoiner();

    [GeneratedRegex(@"(?<![A-Za-z\\]),?\s*(?:and|or)(?![A-Za-z])\s*", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex WordJoiner();

    [GeneratedRegex(@"\\(?:text|textnormal|textrm|textit|textbf|mbox)\{\s*[A-Za-z][A-Za-z .]*\}\s*(?:\^\{?[23]\}?)?$", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TrailingTextUnit();

    [GeneratedRegex(@"(?<=[\d}])\s*(?:\\text\{\s*)?(?:percentage|percent|pct)(?:\s*\})?(?![A-Za-z])", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex PercentWord();

    [GeneratedRegex(@"(?<!\\)%", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex BarePercent();
}
