using System.Runtime.CompilerServices;

namespace Ttc.Math.Answers;

/// <summary>Splitting at top-level separators and relation signs.</summary>
internal static partial class AnswerParser
{
    private enum Sign
    {
        Relation,
        Approx,
        In,
    }

    /// <summary>
    /// A relation chain built left to right as Math-Verify's reader does: "x \approx 3" is 3 when x is a name and
    /// otherwise the left side ("1/3 \approx 0.33" is 1/3); "x \in S" is S when x is a name.
    /// </summary>
    private static List<MathValue> Relation(List<string> terms, List<(Sign Sign, RelationOp Op)> ops, GradingOptions options)
    {
        if (terms.Any(t => t.Length == 0))
        {
            return [new TextValue(string.Concat(terms))];
        }

        var values = terms.Select(t => Element(t, options)).ToList();
        if (values.Any(v => v.Any(x => x is TextValue)))
        {
            return [new TextValue(string.Concat(terms))];
        }

        int plusMinus = values.FindIndex(v => v.Count > 1);
        if (plusMinus >= 0 && values.Count(v => v.Count > 1) == 1)
        {
            // "x = 1 \pm \sqrt{2}" is the set of both equations.
            return values[plusMinus].Select(v => Fold(values.Select((w, k) => k == plusMinus ? v : Single(w, terms[k])).ToList(), ops)).ToList();
        }

        return [Fold(values.Select((w, k) => Single(w, terms[k])).ToList(), ops)];
    }

    private static MathValue Fold(List<MathValue> values, List<(Sign Sign, RelationOp Op)> ops)
    {
        var chain = new List<MathValue> { values[0] };
        var relations = new List<RelationOp>();
        for (int k = 0; k < ops.Count; k++)
        {
            var right = values[k + 1];
            switch (ops[k].Sign)
            {
                case Sign.Approx:
                    if (relations.Count == 0 && RelationValue.IsName(chain[0]))
                    {
                        chain[0] = right;
                    }

                    break;
                case Sign.In:
                    if (relations.Count != 0 || !RelationValue.IsName(chain[0]))
                    {
                        return new TextValue(string.Empty);
                    }

                    chain[0] = right;
                    break;
                default:
                    chain.Add(right);
                    relations.Add(ops[k].Op);
                    break;
            }
        }

        return relations.Count == 0 ? chain[0] : new RelationValue(chain, relations);
    }

    /// <summary>The terms and signs of <paramref name="s"/> split at top-level relation signs, or null when it has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (List<string> Terms, List<(Sign Sign, RelationOp Op)> Ops)? RelationParts(string s)
    {
        List<string>? terms = null;
        List<(Sign, RelationOp)>? ops = null;
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
                continue;
            }

            if (c is ')' or ']' or '}')
            {
                depth--;
                continue;
            }

            if (depth != 0 || SignAt(s, i) is not { } sign)
            {
                continue;
            }

            (terms ??= []).Add(s[start..i]);
            (ops ??= []).Add((sign.Sign, sign.Op));
            start = i + sign.Length;
            i = start - 1;
        }

        if (terms is null || ops is null)
        {
            return null;
        }

        terms.Add(s[start..]);
        return (terms, ops);
    }

    private static (Sign Sign, RelationOp Op, int Length)? SignAt(string s, int i)
    {
        char c = s[i];
        char next = i + 1 < s.Length ? s[i + 1] : '\0';
        switch (c)
        {
            case '<':
                return next == '=' ? (Sign.Relation, RelationOp.LessOrEqual, 2) : (Sign.Relation, RelationOp.Less, 1);
            case '>':
                return next == '=' ? (Sign.Relation, RelationOp.GreaterOrEqual, 2) : (Sign.Relation, RelationOp.Greater, 1);
            case '!' when next == '=':
                return (Sign.Relation, RelationOp.NotEqual, 2);
            case '=':
                return (Sign.Relation, RelationOp.Equal, 1);
            case '≤':
                return (Sign.Relation, RelationOp.LessOrEqual, 1);
            case '≥':
                return (Sign.Relation, RelationOp.GreaterOrEqual, 1);
            case '≠':
                return (Sign.Relation, RelationOp.NotEqual, 1);
            case '≈':
                return (Sign.Approx, RelationOp.Equal, 1);
            case '\\':
                int j = i + 1;
                while (j < s.Length && char.IsAsciiLetter(s[j]))
                {
                    j++;
                }

                return RelationCommand(s[(i + 1)..j]) is { } found ? (found.Sign, found.Op, found.Length + 1) : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The relation a command names, and its length. Spaces are gone from normalized text, so "\ge x" arrives as
    /// "\gex": a relation name followed by one letter counts too, unless the whole name is another command.
    /// </summary>
    private static (Sign Sign, RelationOp Op, int Length)? RelationCommand(string name)
    {
        foreach (var (word, sign, op) in RelationWords)
        {
            if (name.StartsWith(word, StringComparison.Ordinal) && (name.Length == word.Length || (name.Length == word.Length + 1 && !OtherCommands.Contains(name))))
            {
                return (sign, op, word.Length);
            }
        }

        return null;
    }

    private static readonly (string Word, Sign Sign, RelationOp Op)[] RelationWords =
    [
        ("leqslant", Sign.Relation, RelationOp.LessOrEqual), ("geqslant", Sign.Relation, RelationOp.GreaterOrEqual),
        ("approx", Sign.Approx, RelationOp.Equal), ("leq", Sign.Relation, RelationOp.LessOrEqual), ("geq", Sign.Relation, RelationOp.GreaterOrEqual),
        ("neq", Sign.Relation, RelationOp.NotEqual), ("le", Sign.Relation, RelationOp.LessOrEqual), ("ge", Sign.Relation, RelationOp.GreaterOrEqual),
        ("lt", Sign.Relation, RelationOp.Less), ("gt", Sign.Relation, RelationOp.Greater), ("ne", Sign.Relation, RelationOp.NotEqual),
        ("in", Sign.In, RelationOp.Equal),
    ];

    /// <summary>Commands that begin like a relation but are something else.</summary>
    private static readonly HashSet<string> OtherCommands = ["int", "inf", "neg", "gcd", "lnot", "leq", "geq", "neq", "ln", "lg"];

    /// <summary>Splits at top-level <paramref name="separator"/>s; null when brackets do not balance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<string>? Split(string s, char separator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (--depth < 0)
                {
                    return null;
                }
            }
            else if (c == separator && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }

        if (depth != 0)
        {
            return null;
        }

        parts.Add(s[start..]);
        return parts;
    }

    /// <summary>Splits at top-level occurrences of the command <c>\name</c> (not followed by a letter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<string> SplitCommand(string s, string name)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
            if (c == '\\' && depth == 0 && string.CompareOrdinal(s, i + 1, name, 0, name.Length) == 0
                && (i + 1 + name.Length >= s.Length || !char.IsAsciiLetter(s[i + 1 + name.Length])))
            {
                parts.Add(s[start..i]);
                start = i + 1 + name.Length;
            }
        }

        parts.Add(s[start..]);
        return parts;
    }

    /// <summary>True when the first bracket closes only at the last character: "(1,2)" yes, "(1)+(2)" no.</summary>
    private static bool Encloses(string s)
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
