using System.Text;

namespace Ttc.Math.Extraction;

/// <summary>An answer found in running text, with where it was found.</summary>
internal readonly record struct TextAnswer(int Start, int End, string Answer);

/// <summary>
/// Numbers and small arithmetic expressions written as plain text ("1,000.99", "2,74 €", "28 percent",
/// "2/3"). A number must follow whitespace, '=' or the start of the text, so "AZYUK2A" holds none.
/// Thousands separators (comma or space between groups of three digits) and decimal commas are told
/// apart as Math-Verify does: "1,000" and "1 000" are 1000, "1000,99", "1,22" and "0,111" are decimals.
/// </summary>
internal static class TextNumbers
{
    private const string Currency = "$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₭₮₯₰₱₲₳₴₵₶₷₸₺₻₼₾₿";
    /// <summary>Longer runs of digits and operators are not an answer; the bound keeps every match attempt short.</summary>
    private const int MaxExpression = 96;

    /// <summary>Whether a number may begin right after index <paramref name="i"/> - 1.</summary>
    public static bool IsPrefixed(string text, int i) => i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] == '=';

    /// <summary>All numbers of <paramref name="text"/>, left to right, not overlapping (as a regex scan finds them).</summary>
    public static List<TextAnswer> AllNumbers(string text, int from = 0) => All(text, from, NumberAt);

    /// <summary>All arithmetic expressions ("2/3", "(1/2) * 4") of <paramref name="text"/>, left to right.</summary>
    public static List<TextAnswer> AllExpressions(string text, int from = 0) => All(text, from, ExpressionAt);

    /// <summary>A number at <paramref name="i"/> (just after its prefix): "**", a currency sign, the digits, a percent word.</summary>
    public static TextAnswer? NumberAt(string text, int i)
    {
        int j = SkipBold(text, i);
        if (j < text.Length && Currency.Contains(text[j], StringComparison.Ordinal))
        {
            j++;
        }

        if (j > 0 && char.IsAsciiDigit(text[j - 1]))
        {
            return null;
        }

        if ((Thousands(text, j) ?? Decimal(text, j) ?? Integer(text, j)) is not { } parts)
        {
            return null;
        }

        var (end, integer, fraction) = parts;
        var sb = new StringBuilder();
        bool negative = integer.StartsWith('-');
        var digits = integer.TrimStart('-').Replace(",", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).TrimStart('0');
        sb.Append(negative ? "-" : string.Empty).Append(digits.Length == 0 ? "0" : digits);
        if (fraction.Length > 0)
        {
            sb.Append('.').Append(fraction);
        }

        int percent = PercentSuffix.After(text, end, allowEscaped: false);
        if (percent >= 0)
        {
            sb.Append("\\%");
            end = percent;
        }

        return new TextAnswer(i, end, sb.ToString());
    }

    /// <summary>An expression at <paramref name="i"/>: a digit, operators, more digits, then punctuation, a space or the end.</summary>
    public static TextAnswer? ExpressionAt(string text, int i)
    {
        int j = SkipBold(text, i);
        int k = j;
        if (At(text, k) == '-')
        {
            k++;
        }

        if (At(text, k) == '(')
        {
            k++;
        }

        if (At(text, k) == '-')
        {
            k++;
        }

        if (!char.IsAsciiDigit(At(text, k)))
        {
            return null;
        }

        int run = k + 1, firstOperator = -1;
        while (run < text.Length && run - k < MaxExpression && IsExpressionChar(text[run]))
        {
            if (firstOperator < 0 && IsOperator(text[run]))
            {
                firstOperator = run;
            }

            run++;
        }

        // Longest end that leaves an operator with something after it and is followed by a stop.
        for (int end = run; end >= k + 2 && firstOperator >= 0; end--)
        {
            if (firstOperator > end - 2 || !IsStop(text, end))
            {
                continue;
            }

            var expression = text[j..end].Trim().TrimEnd('.');
            return DigitsApart(expression) ? null : new TextAnswer(i, end, expression.Replace('×', '*').Replace('÷', '/'));
        }

        return null;
    }

    private static List<TextAnswer> All(string text, int from, Func<string, int, TextAnswer?> at)
    {
        var found = new List<TextAnswer>();
        int done = from;
        for (int i = from; i < text.Length; i++)
        {
            // The prefix character belongs to the match, so it must lie after the previous one.
            if (!(i == 0 || (i - 1 >= done && IsPrefixed(text, i))) || !CanStart(text[i]))
            {
                continue;
            }

            if (at(text, i) is { } match)
            {
                found.Add(match);
                done = match.End;
                i = match.End - 1;
            }
        }

        return found;
    }

    private static bool CanStart(char c) => char.IsAsciiDigit(c) || c is '-' or '.' or '(' or '*' || Currency.Contains(c, StringComparison.Ordinal);

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

    private static int SkipBold(string text, int i) => string.CompareOrdinal(text, i, "**", 0, 2) == 0 ? i + 2 : i;

    /// <summary><c>-?[1-9]\d{0,2}([ ,]\d{3})+(\.\d+)?</c>.</summary>
    private static (int End, string Integer, string Fraction)? Thousands(string text, int i)
    {
        int k = At(text, i) == '-' ? i + 1 : i;
        if (At(text, k) is < '1' or > '9')
        {
            return null;
        }

        int run = k;
        while (run < text.Length && char.IsAsciiDigit(text[run]) && run - k < 3)
        {
            run++;
        }

        for (int lead = run; lead > k; lead--)
        {
            int e = lead;
            while (At(text, e) is ' ' or ',' && char.IsAsciiDigit(At(text, e + 1)) && char.IsAsciiDigit(At(text, e + 2)) && char.IsAsciiDigit(At(text, e + 3)))
            {
                e += 4;
            }

            if (e > lead)
            {
                var integer = text[i..e];
                return At(text, e) == '.' && char.IsAsciiDigit(At(text, e + 1)) ? Fraction(text, e, integer) : (e, integer, string.Empty);
            }
        }

        return null;
    }

    /// <summary><c>-?\d+[.,]\d+</c> (a decimal point or a decimal comma), or <c>\.\d+</c>.</summary>
    private static (int End, string Integer, string Fraction)? Decimal(string text, int i)
    {
        int k = At(text, i) == '-' ? i + 1 : i;
        int e = k;
        while (char.IsAsciiDigit(At(text, e)))
        {
            e++;
        }

        if (!char.IsAsciiDigit(At(text, e + 1)))
        {
            return null;
        }

        if (e == k)
        {
            // ".4" has no sign and only a point.
            return k == i && At(text, e) == '.' ? Fraction(text, e, string.Empty) : null;
        }

        return At(text, e) is '.' or ',' ? Fraction(text, e, text[i..e]) : null;
    }

    private static (int End, string Integer, string Fraction)? Integer(string text, int i)
    {
        int k = At(text, i) == '-' ? i + 1 : i;
        int e = k;
        while (char.IsAsciiDigit(At(text, e)))
        {
            e++;
        }

        return e > k ? (e, text[i..e], string.Empty) : null;
    }

    private static (int End, string Integer, string Fraction) Fraction(string text, int point, string integer)
    {
        int e = point + 1;
        while (char.IsAsciiDigit(At(text, e)))
        {
            e++;
        }

        return (e, integer, text[(point + 1)..e]);
    }

    private static bool IsExpressionChar(char c) => char.IsAsciiDigit(c) || c == '.' || char.IsWhiteSpace(c) || IsOperator(c);

    private static bool IsOperator(char c) => c is '+' or '-' or '*' or '×' or '/' or '^' or '(' or ')' or '÷';

    private static bool IsStop(string text, int i)
    {
        i = SkipBold(text, i);
        return i >= text.Length || text[i] is '.' or ',' or ':' or ')' or '$' || char.IsWhiteSpace(text[i]);
    }

    /// <summary>"1 2" is no expression: two numbers with only space between them are not one value.</summary>
    private static bool DigitsApart(string s)
    {
        for (int i = 1; i < s.Length - 1; i++)
        {
            if (char.IsWhiteSpace(s[i]) && char.IsAsciiDigit(s[i - 1]))
            {
                int j = i;
                while (j < s.Length && char.IsWhiteSpace(s[j]))
                {
                    j++;
                }

                if (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
