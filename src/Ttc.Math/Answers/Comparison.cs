using Ttc.Math.Expressions;

namespace Ttc.Math.Answers;

/// <summary>
/// Decides whether two parsed answers are equal, following Math-Verify's verifier. With
/// <c>goldFirst</c> the first value is the gold answer and the second the prediction, and Math-Verify's
/// one-sided rules apply (a predicted equation is judged by its right side; a relation in the gold may be
/// compared with a predicted set but not the reverse). Without it the rules are the stricter symmetric
/// ones, so the comparison can group votes.
/// </summary>
internal sealed partial class Comparison(GradingOptions options, bool goldFirst)
{
    private const int MaxDepth = 8;

    /// <summary>Element comparisons allowed per verdict, so a pair of large sets stays cheap.</summary>
    private int _budget = 4000;

    /// <summary>Compares two normalized answers.</summary>
    public static bool Equivalent(string gold, string prediction, GradingOptions options, bool goldFirst)
    {
        if (gold.Length == 0 || prediction.Length == 0)
        {
            return false;
        }

        if (string.Equals(gold, prediction, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (gold.Length > AnswerNormalizer.MaxLength || prediction.Length > AnswerNormalizer.MaxLength)
        {
            return false;
        }

        var comparison = new Comparison(options, goldFirst);
        return comparison.Equal(AnswerParser.Parse(gold, options), AnswerParser.Parse(prediction, options), 0);
    }

    /// <summary>Whether <paramref name="gold"/> and <paramref name="prediction"/> denote the same answer.</summary>
    public bool Equal(MathValue gold, MathValue prediction, int depth)
    {
        if (depth > MaxDepth || --_budget < 0)
        {
            return false;
        }

        if (gold is TextValue || prediction is TextValue)
        {
            return gold is TextValue tg && prediction is TextValue tp && tg.Value.Length > 0 && string.Equals(tg.Value, tp.Value, StringComparison.OrdinalIgnoreCase);
        }

        gold = Collapse(gold);
        prediction = Collapse(prediction);
        if (!Unwrap(ref gold, ref prediction))
        {
            return false;
        }

        switch (gold, prediction)
        {
            case (RelationValue rg, RelationValue rp):
                return Relations(rg, rp, depth);
            case (RelationValue r, _) when IsSet(prediction):
                return RelationMatchesSet(r, prediction);
            case (_, RelationValue r) when IsSet(gold):
                return !goldFirst && RelationMatchesSet(r, gold);
            case (RelationValue, _) or (_, RelationValue):
                return false;
        }

        if (IsSet(gold) || IsSet(prediction))
        {
            return Sets(gold, prediction, depth);
        }

        return (gold, prediction) switch
        {
            (MatrixValue mg, MatrixValue mp) => mg.Rows.Count == mp.Rows.Count
                && mg.Rows.Zip(mp.Rows).All(r => r.First.Count == r.Second.Count && r.First.Zip(r.Second).All(c => Equal(c.First, c.Second, depth + 1))),
            (ScalarValue sg, ScalarValue sp) => Numeric.SameValue(sg.Expr, sp.Expr, options.Percent == PercentMode.Lenient),
            _ => false,
        };
    }

    private static bool IsSet(MathValue v) => v is SetValue or TupleValue or IntervalValue or UnionValue;

    /// <summary>An assignment chain "x = 5+5+1 = 11" is "x = 11": only its first name and last value matter.</summary>
    private static MathValue Collapse(MathValue v) =>
        v is RelationValue { IsAssignment: true, Terms.Count: > 2 } r ? new RelationValue([r.Terms[0], r.Terms[^1]], [RelationOp.Equal]) : v;

    /// <summary>
    /// When one side is an equation and the other is not, the equation stands for its last right side: an
    /// assignment ("k = 1" against "1") always; any predicted equation against a gold value when gold comes first
    /// (Math-Verify's rule); an equation with nothing unknown on its left ("2 + 3 = 5") in the symmetric mode.
    /// Returns false when the pair cannot match.
    /// </summary>
    private bool Unwrap(ref MathValue gold, ref MathValue prediction)
    {
        bool goldEquation = gold is RelationValue { IsEquation: true }, predictedEquation = prediction is RelationValue { IsEquation: true };
        if (predictedEquation && !goldEquation)
        {
            var p = (RelationValue)prediction;
            if (!goldFirst && !p.IsAssignment && !KnownLeft(p))
            {
                return false;
            }

            prediction = p.LastRight;
        }
        else if (goldEquation && !predictedEquation)
        {
            var g = (RelationValue)gold;
            if (g.IsAssignment || (!goldFirst && KnownLeft(g)))
            {
                gold = g.LastRight;
            }
        }

        return true;
    }

    /// <summary>Nothing but numbers before the last '=' ("5 \cdot 6 = 30").</summary>
    private static bool KnownLeft(RelationValue r) =>
        r.Terms.Take(r.Terms.Count - 1).All(t => t is ScalarValue s && Numeric.Constant(s.Expr) is not null);

    private bool Relations(RelationValue g, RelationValue p, int depth)
    {
        if (g.Ops.Count != p.Ops.Count)
        {
            return false;
        }

        for (int k = 0; k < g.Ops.Count; k++)
        {
            if (!Link(g.Terms[k], g.Ops[k], g.Terms[k + 1], p.Terms[k], p.Ops[k], p.Terms[k + 1], depth))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One relation against another: the same relation when "left minus right" of one is a constant multiple
    /// of the other's, positive for the same sign ("x &lt; 1" and "2x &lt; 2"), negative for the mirrored sign
    /// ("x &lt; 1" and "-x &gt; -1", "x \le 5" and "5 \ge x"); any nonzero multiple for '=' and '\ne'.
    /// </summary>
    private bool Link(MathValue gl, RelationOp gop, MathValue gr, MathValue pl, RelationOp pop, MathValue pr, int depth)
    {
        if (gl is not ScalarValue a || gr is not ScalarValue b || pl is not ScalarValue c || pr is not ScalarValue d)
        {
            // Tuples or sets on either side ("(p,q) = (3,2)"): the sides must match one for one.
            return gop == pop && Equal(gl, pl, depth + 1) && Equal(gr, pr, depth + 1);
        }

        var (proportional, sign) = Numeric.Ratio(new Binary('-', a.Expr, b.Expr), new Binary('-', c.Expr, d.Expr));
        if (!proportional)
        {
            return false;
        }

        return gop switch
        {
            RelationOp.Equal or RelationOp.NotEqual => gop == pop,
            _ => (gop == pop && sign > 0) || (Mirror(gop) == pop && sign < 0),
        };
    }

    private static RelationOp Mirror(RelationOp op) => op switch
    {
        RelationOp.Less => RelationOp.Greater,
        RelationOp.Greater => RelationOp.Less,
        RelationOp.LessOrEqual => RelationOp.GreaterOrEqual,
        RelationOp.GreaterOrEqual => RelationOp.LessOrEqual,
        _ => op,
    };
}
