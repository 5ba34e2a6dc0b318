using System.Text.RegularExpressions;

namespace Ttc.Math;

/// <summary>Words around an answer: units, percent words, "and"/"or" between its parts.</summary>
public static partial class AnswerNormalizer
{
    private static readonly string[] UnitWords =
    [
        "degrees", "degree", "deg", "cm", "mm", "km", "meters", "meter", "metres", "metre", "inches", "inch",
        "feet", "foot", "ft", "miles", "mile", "mph", "yards", "yard", "units", "unit", "square", "sq", "cubic",
        "dollars", "dollar", "cents", "cent", "hours", "hour", "minutes", "minute", "seconds", "second", "sec",
        "days", "day", "weeks", "week", "months", "month", "years", "year", "pounds", "lbs", "lb", "ounces",
        "grams", "kg", "liters", "litres", "gallons", "gallon", "people", "students", "points", "ways",
    ];

    // One pattern for all units (longest first, so "inches" is not read as "inch" + "es"); only after a number.
    private static readonly Regex UnitAfterNumber = new(
        @"(\d)\s*(?:\\\s*)?(?:" + string.Join('|', UnitWords.OrderByDescending(u => u.Length)) + @")(?![A-Za-z])(?:\^\{?[23]\}?)?",
        RegexOptions.CultureInvariant,
        TimeSpan.FromMilliseconds(200));

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
        var withoutText = TrailingTextUnit().Replace(s, string.Empty).Trim();
        if (withoutText.Length > 0)
        {
            s = withoutText;
        }

        if (!s.Any(char.IsAsciiLetterLower))
        {
            return s;
        }

        var stripped = UnitAfterNumber.Replace(s, "$1");
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
