namespace Ttc.Math.Extraction;

/// <summary>A percent sign or word right after an answer: "$28$ %", "$\boxed{20}$ percent", "28 pct".</summary>
internal static class PercentSuffix
{
    private static readonly string[] Words = ["percent", "Percent", "pct", "Pct"];

    /// <summary>
    /// The index after whitespace and <c>%</c>, <c>\%</c>, "percent" or "pct" at <paramref name="i"/>, or -1.
    /// "percentage" is read as "percent" followed by "age", which changes nothing here.
    /// </summary>
    public static int After(string text, int i, bool allowEscaped = true)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length)
        {
            return -1;
        }

        if (text[i] == '%')
        {
            return i + 1;
        }

        if (allowEscaped && text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '%')
        {
            return i + 2;
        }

        foreach (var word in Words)
        {
            if (string.CompareOrdinal(text, i, word, 0, word.Length) == 0)
            {
                return i + word.Length;
            }
        }

        return -1;
    }
}
