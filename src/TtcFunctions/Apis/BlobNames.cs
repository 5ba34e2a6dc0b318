namespace TtcFunctions.Apis;

/// <summary>Checks of Azure Blob names, so that a bad name is refused at submit instead of failing later in the engine.</summary>
public static class BlobNames
{
    /// <summary>3-63 characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit, no double hyphens.</summary>
    public static bool IsContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>A blob name: 1-1024 printable characters, no backslash, no "." or ".." segment, not ending in "/" or ".".</summary>
    public static bool IsBlobName(string? name) =>
        name is { Length: >= 1 and <= 1024 }
        && name.All(c => !char.IsControl(c) && c != '\\')
        && !name.EndsWith('/') && !name.EndsWith('.')
        && name.Split('/').All(segment => segment.Length > 0 && segment is not "." and not "..");
}
