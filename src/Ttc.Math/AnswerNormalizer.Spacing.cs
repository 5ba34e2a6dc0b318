using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Ttc.Math;

/// <summary>Spaces, spacing commands and trailing punctuation.</summary>
public static partial class AnswerNormalizer
{
    private static readonly SearchValues<string> TextCommands = SearchValues.Create(["\\text", "\\math", "\\mbox"], StringComparison.Ordinal);

    /// <summary>
    /// "\!", "\,", "\;", "\:" and "\ " are spacing, and go ("\!" with the spaces after it: "32,\! 349" is one number);
    /// "\\ " is a row break followed by a space and stays.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string RemoveThinSpaces(string s)
    {
        StringBuilder? sb = null;
        int copied = 0;
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (s[i] != '\\')
            {
                continue;
            }

            if (s[i + 1] == '\\')
            {
                i++; // a row break "\\\\" is no spacing command, and its second backslash escapes nothing
                continue;
            }

            if (s[i + 1] is not ('!' or ',' or ';' or ':' or ' '))
            {
                continue;
            }

            int end = i + 2;
            while (s[i + 1] == '!' && end < s.Length && s[end] == ' ')
            {
                end++;
            }

            (sb ??= new StringBuilder(s.Length)).Append(s, copied, i - copied);
            copied = end;
            i = end - 1;
        }

        return sb is null ? s : sb.Append(s, copied, s.Length - copied).ToString();
    }

    /// <summary>A sentence's full stop, or a dangling comma or semicolon, is no part of the answer ("\boxed{\frac{1}{3}.}").</summary>
    private static string TrimPunctuation(string s) => s.TrimEnd('.', ',', ';', ' ');

    /// <summary>
    /// Spaces go, except one after a comma before exactly three digits: "32, 349" is the list of 32 and 349 and
    /// must not turn into "32,349", which is a number.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string RemoveSpaces(string s)
    {
        if (!s.Contains(' ', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != ' ')
            {
                sb.Append(s[i]);
                continue;
            }

            int j = i;
            while (j < s.Length && s[j] == ' ')
            {
                j++;
            }

            bool keep = sb.Length > 0 && sb[^1] == ',' && j + 3 <= s.Length && char.IsAsciiDigit(s[j]) && char.IsAsciiDigit(s[j + 1])
                && char.IsAsciiDigit(s[j + 2]) && (j + 3 == s.Length || !char.IsAsciiDigit(s[j + 3]));
            if (keep)
            {
                sb.Append(' ');
            }

            i = j - 1;
        }

        return sb.ToString();
    }
}
