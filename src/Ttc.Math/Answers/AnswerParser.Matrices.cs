using Ttc.Math.Expressions;

namespace Ttc.Math.Answers;

/// <summary>Matrices, and sums and products of numeric ones ("the sum is A + B" is the matrix it equals).</summary>
internal static partial class AnswerParser
{
    private const string Begin = "\\begin{pmatrix}", End = "\\end{pmatrix}";

    /// <summary>At most this many rows or columns are computed with.</summary>
    private const int MaxDimension = 16;

    /// <summary>Rows and cells of a <c>pmatrix</c>, or null.</summary>
    private static List<List<string>>? MatrixCells(string s)
    {
        if (!s.StartsWith(Begin, StringComparison.Ordinal) || !s.EndsWith(End, StringComparison.Ordinal) || s.Length < Begin.Length + End.Length
            || s.IndexOf(Begin, 1, StringComparison.Ordinal) >= 0)
        {
            return null;
        }

        var rows = s[Begin.Length..^End.Length]
            .Split("\\\\", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(row => row.Split('&', StringSplitOptions.TrimEntries).ToList())
            .ToList();
        return rows.Count == 0 || rows.Any(r => r.Any(c => c.Length == 0)) ? null : rows;
    }

    /// <summary>
    /// A sum of products of numeric matrices and numbers (two matrices added, a number times a matrix, two
    /// matrices written side by side), evaluated; null when it is anything else.
    /// </summary>
    private static MatrixValue? MatrixArithmetic(string s, GradingOptions options)
    {
        if (s.IndexOf(Begin, StringComparison.Ordinal) is var first && (first < 0 || (first == 0 && s.IndexOf(Begin, 1, StringComparison.Ordinal) < 0)))
        {
            return null;
        }

        double[,]? sum = null;
        foreach (var (sign, term) in Terms(s))
        {
            if (Product(term, options) is not { } value || (sum is not null && (sum.GetLength(0) != value.GetLength(0) || sum.GetLength(1) != value.GetLength(1))))
            {
                return null;
            }

            sum ??= new double[value.GetLength(0), value.GetLength(1)];
            for (int r = 0; r < value.GetLength(0); r++)
            {
                for (int c = 0; c < value.GetLength(1); c++)
                {
                    sum[r, c] += sign * value[r, c];
                }
            }
        }

        if (sum is null)
        {
            return null;
        }

        var rows = new List<IReadOnlyList<MathValue>>();
        for (int r = 0; r < sum.GetLength(0); r++)
        {
            var row = new List<MathValue>();
            for (int c = 0; c < sum.GetLength(1); c++)
            {
                row.Add(new ScalarValue(new Num(sum[r, c]), string.Empty));
            }

            rows.Add(row);
        }

        return new MatrixValue(rows);
    }

    /// <summary>The terms of a sum at the top level (outside braces and matrices), with their signs.</summary>
    private static List<(int Sign, string Term)> Terms(string s)
    {
        var terms = new List<(int, string)>();
        int depth = 0, start = 0, sign = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (string.CompareOrdinal(s, i, Begin, 0, Begin.Length) == 0)
            {
                int end = s.IndexOf(End, i, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + End.Length - 1;
                continue;
            }

            depth += s[i] is '{' or '(' or '[' ? 1 : s[i] is '}' or ')' or ']' ? -1 : 0;
            if (depth == 0 && s[i] is '+' or '-' && i > start)
            {
                terms.Add((sign, s[start..i]));
                sign = s[i] == '-' ? -1 : 1;
                start = i + 1;
            }
        }

        terms.Add((sign, s[start..]));
        return terms;
    }

    /// <summary>A product of matrices and numbers, left to right; null when a factor is not numeric or the shapes do not fit.</summary>
    private static double[,]? Product(string term, GradingOptions options)
    {
        double[,]? result = null;
        double scalar = 1;
        int i = 0;
        while (i < term.Length)
        {
            int at = term.IndexOf(Begin, i, StringComparison.Ordinal);
            var before = (at < 0 ? term[i..] : term[i..at]).Replace("\\cdot", string.Empty, StringComparison.Ordinal).Replace("\\times", string.Empty, StringComparison.Ordinal).Trim('*');
            if (before.Length > 0)
            {
                if (LatexParser.TryParse(before, options.Percent == PercentMode.Strict) is not { } e || Numeric.Constant(e) is not { } k || !double.IsFinite(k))
                {
                    return null;
                }

                scalar *= k;
            }

            if (at < 0)
            {
                break;
            }

            int end = term.IndexOf(End, at, StringComparison.Ordinal);
            if (end < 0 || Numbers(term[at..(end + End.Length)], options) is not { } matrix)
            {
                return null;
            }

            result = result is null ? matrix : Multiply(result, matrix);
            if (result is null)
            {
                return null;
            }

            i = end + End.Length;
        }

        if (result is not null)
        {
            for (int r = 0; r < result.GetLength(0); r++)
            {
                for (int c = 0; c < result.GetLength(1); c++)
                {
                    result[r, c] *= scalar;
                }
            }
        }

        return result;
    }

    private static double[,]? Numbers(string matrix, GradingOptions options)
    {
        if (MatrixCells(matrix) is not { } rows || rows.Count > MaxDimension || rows.Any(r => r.Count != rows[0].Count || r.Count > MaxDimension))
        {
            return null;
        }

        var values = new double[rows.Count, rows[0].Count];
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < rows[0].Count; c++)
            {
                if (LatexParser.TryParse(rows[r][c], options.Percent == PercentMode.Strict) is not { } e || Numeric.Constant(e) is not { } v || !double.IsFinite(v))
                {
                    return null;
                }

                values[r, c] = v;
            }
        }

        return values;
    }

    private static double[,]? Multiply(double[,] a, double[,] b)
    {
        if (a.GetLength(1) != b.GetLength(0))
        {
            return null;
        }

        var p = new double[a.GetLength(0), b.GetLength(1)];
        for (int r = 0; r < a.GetLength(0); r++)
        {
            for (int c = 0; c < b.GetLength(1); c++)
            {
                for (int k = 0; k < a.GetLength(1); k++)
                {
                    p[r, c] += a[r, k] * b[k, c];
                }
            }
        }

        return p;
    }

    /// <summary>The deepest bracket nesting of <paramref name="s"/>.</summary>
    private static int Nesting(string s)
    {
        int depth = 0, max = 0;
        foreach (char c in s)
        {
            depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
            max = System.Math.Max(max, depth);
        }

        return max;
    }
}
