namespace Ttc.Math;

/// <summary>Splitting of tuples, intervals, lists and matrices into their elements.</summary>
public static partial class MathEquivalence
{
    /// <summary>
    /// Splits "(a, b)" / "[a, b)" / "a, b" at top-level commas. The brackets are returned only when
    /// one pair encloses the whole string; a single item comes back alone.
    /// </summary>
    internal static (char Open, List<string> Items, char Close) SplitCompound(string s)
    {
        char open = '\0', close = '\0';
        string body = s;
        if (s.Length >= 2 && s[0] is '(' or '[' or '{' && s[^1] is ')' or ']' or '}' && EnclosesAll(s))
        {
            open = s[0];
            close = s[^1];
            body = s[1..^1];
        }

        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                items.Add(body[start..i]);
                start = i + 1;
            }
        }

        items.Add(body[start..]);
        if (items.Count == 1)
        {
            return ('\0', [s], '\0');
        }

        return (open, items, close);
    }

    /// <summary>Rows and cells of a <c>pmatrix</c>, or null.</summary>
    internal static string[][]? Matrix(string s)
    {
        const string begin = "\\begin{pmatrix}", end = "\\end{pmatrix}";
        if (!s.StartsWith(begin, StringComparison.Ordinal) || !s.EndsWith(end, StringComparison.Ordinal) || s.Length < begin.Length + end.Length)
        {
            return null;
        }

        return s[begin.Length..^end.Length]
            .Split("\\\\", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(row => row.Split('&', StringSplitOptions.TrimEntries))
            .ToArray();
    }

    /// <summary>True when the first bracket closes only at the last character: "(1,2)" yes, "(1)+(2)" no.</summary>
    private static bool EnclosesAll(string s)
    {
        int depth = 0;
        for (int i = 0; i < s.Length; i++)
        {
            depth += s[i] switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
            if (depth == 0 && i < s.Length - 1)
            {
                return false;
            }
        }

        return depth == 0;
    }
}
