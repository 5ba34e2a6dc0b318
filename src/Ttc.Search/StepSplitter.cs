namespace Ttc.Search;

/// <summary>Splits a solution into the steps a PRM scores.</summary>
public static class StepSplitter
{
    /// <summary>The non-blank pieces of <paramref name="text"/> between separators, trimmed.</summary>
    public static IReadOnlyList<string> Split(string text, string separator)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        return text.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
