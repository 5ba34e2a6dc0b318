using System.Numerics;

namespace Ttc.Math.Answers;

/// <summary>Sets, tuples, intervals, unions, and relations read as the set of values that satisfy them.</summary>
internal sealed partial class Comparison
{
    /// <summary>Two sets of reals, each a membership test and the points where membership may change.</summary>
    private sealed record RealSet(Func<double, bool> Contains, List<double> Boundaries);

    private bool Sets(MathValue g, MathValue p, int depth)
    {
        var gold = IsSet(g) ? g : new SetValue([g]);
        var pred = IsSet(p) ? p : new SetValue([p]);
        switch (gold, pred)
        {
            case (IntervalValue a, IntervalValue b):
                return a.LowerOpen == b.LowerOpen && a.UpperOpen == b.UpperOpen && Equal(a.Lower, b.Lower, depth + 1) && Equal(a.Upper, b.Upper, depth + 1);
            case (SetValue a, SetValue b):
                return SameItems(a.Items, b.Items, depth);
            case (TupleValue a, TupleValue b):
                return InOrder(a.Items, b.Items, depth);
        }

        // A pair written "(a, b)" is an open interval and a tuple at once; against a set it is read in the set's written order.
        var gOrdered = Ordered(gold);
        var pOrdered = Ordered(pred);
        if (gOrdered is not null && (pOrdered is not null || pred is SetValue))
        {
            return InOrder(gOrdered, pOrdered ?? ((SetValue)pred).Items, depth);
        }

        if (pOrdered is not null && gold is SetValue gs)
        {
            // Math-Verify sorts both sides when the gold answer is the set.
            return goldFirst ? SameItems(gs.Items, pOrdered, depth) : InOrder(gs.Items, pOrdered, depth);
        }

        if (gold is UnionValue || pred is UnionValue || gold is IntervalValue || pred is IntervalValue)
        {
            if (Real(gold) is { } a && Real(pred) is { } b)
            {
                return SameReals(a, b, []);
            }

            return gold is UnionValue ug && pred is UnionValue up && SameItems(ug.Parts, up.Parts, depth);
        }

        return false;
    }

    private static IReadOnlyList<MathValue>? Ordered(MathValue v) => v switch
    {
        TupleValue t => t.Items,
        IntervalValue { LowerOpen: true, UpperOpen: true } i => [i.Lower, i.Upper],
        _ => null,
    };

    private bool InOrder(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, int depth) =>
        a.Count == b.Count && a.Zip(b).All(x => Equal(x.First, x.Second, depth + 1));

    /// <summary>The same elements in any order; repeats count once, as in a set ("(3,17,3,7)" twice is one tuple).</summary>
    private bool SameItems(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, int depth)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return a.Count == b.Count;
        }

        var matched = new bool[b.Count];
        foreach (var item in a)
        {
            bool found = false;
            for (int k = 0; k < b.Count; k++)
            {
                // Prefer an element not matched yet, so equal-sized lists pair off one to one.
                if (!matched[k] && Equal(item, b[k], depth + 1))
                {
                    matched[k] = found = true;
                    break;
                }
            }

            if (!found && !b.Any(x => Equal(item, x, depth + 1)))
            {
                return false;
            }
        }

        for (int k = 0; k < b.Count; k++)
        {
            if (!matched[k] && !a.Any(x => Equal(x, b[k], depth + 1)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// "0 &lt; f(x) &lt; 1" against "(0, 1)", "1 \le |z| \le 3/2" against "[-3/2, -1] \cup [1, 3/2]": the relation,
    /// read as a condition on its one unknown (a variable, or the one term that holds variables), must hold
    /// exactly on the set, which is checked at and around every boundary of either.
    /// </summary>
    private static bool RelationMatchesSet(RelationValue relation, MathValue set)
    {
        if (Real(set) is not { } target || relation.Terms.Any(t => t is not ScalarValue))
        {
            return false;
        }

        var terms = relation.Terms.Select(t => ((ScalarValue)t).Expr).ToList();
        var names = Numeric.Variables([.. terms]);
        var constants = terms.Select(Numeric.Constant).Where(c => c is not null).Select(c => c!.Value).ToList();
        Func<double, int, Complex> value;
        if (names.Count == 1)
        {
            string name = names.Min!;
            value = (t, k) => terms[k].Eval(new Dictionary<string, Complex>(StringComparer.Ordinal) { [name] = t });
        }
        else if (terms.Count(t => Numeric.Constant(t) is null) == 1)
        {
            int unknown = terms.FindIndex(t => Numeric.Constant(t) is null);
            value = (t, k) => k == unknown ? t : terms[k].Eval(new Dictionary<string, Complex>());
        }
        else
        {
            return false;
        }

        bool Holds(double t)
        {
            for (int k = 0; k < relation.Ops.Count; k++)
            {
                var (l, r) = (value(t, k), value(t, k + 1));
                if (!Numeric.Finite(l) || !Numeric.Finite(r) || System.Math.Abs(l.Imaginary) > 1e-9 || System.Math.Abs(r.Imaginary) > 1e-9
                    || !Satisfies(l.Real, relation.Ops[k], r.Real))
                {
                    return false;
                }
            }

            return true;
        }

        return SameReals(new RealSet(Holds, constants), target, []);
    }

    private static bool Satisfies(double l, RelationOp op, double r)
    {
        double tol = 1e-9 * System.Math.Max(1, System.Math.Max(System.Math.Abs(l), System.Math.Abs(r)));
        return op switch
        {
            RelationOp.Less => l < r - tol,
            RelationOp.LessOrEqual => l <= r + tol,
            RelationOp.Greater => l > r + tol,
            RelationOp.GreaterOrEqual => l >= r - tol,
            RelationOp.Equal => System.Math.Abs(l - r) <= tol,
            _ => System.Math.Abs(l - r) > tol,
        };
    }

    /// <summary>Membership agrees at every boundary of either set, just beside it, between boundaries and far out.</summary>
    private static bool SameReals(RealSet a, RealSet b, List<double> extra)
    {
        var edges = a.Boundaries.Concat(b.Boundaries).Concat(extra).Where(double.IsFinite).Distinct().Order().ToList();
        var points = new List<double> { -1e6, 1e6 };
        if (edges.Count == 0)
        {
            points.AddRange([0, 1, -1]);
        }

        for (int k = 0; k < edges.Count; k++)
        {
            double e = edges[k], delta = 1e-6 * System.Math.Max(1, System.Math.Abs(e));
            points.AddRange([e, e - delta, e + delta]);
            if (k + 1 < edges.Count)
            {
                points.Add((e + edges[k + 1]) / 2);
            }
        }

        points.Add(edges.Count > 0 ? edges[0] - 1 : 0.5);
        points.Add(edges.Count > 0 ? edges[^1] + 1 : -0.5);
        return points.All(t => a.Contains(t) == b.Contains(t));
    }

    /// <summary>A set of reals with numeric ends and elements, or null: intervals, finite sets, tuples (as sets), unions, single numbers.</summary>
    private static RealSet? Real(MathValue v)
    {
        switch (v)
        {
            case IntervalValue i when Number(i.Lower) is { } lo && Number(i.Upper) is { } hi:
                return new RealSet(
                    t => (i.LowerOpen ? t > lo + Tolerance(lo) : t >= lo - Tolerance(lo)) && (i.UpperOpen ? t < hi - Tolerance(hi) : t <= hi + Tolerance(hi)),
                    [lo, hi]);
            case SetValue or TupleValue or ScalarValue:
                var items = v switch { SetValue s => s.Items, TupleValue t => t.Items, _ => [v] };
                var numbers = items.Select(Number).ToList();
                if (numbers.Any(n => n is null || !double.IsFinite(n.Value)))
                {
                    return null;
                }

                var points = numbers.Select(n => n!.Value).ToList();
                return new RealSet(t => points.Any(e => System.Math.Abs(t - e) <= Tolerance(e)), points);
            case UnionValue u:
                var parts = u.Parts.Select(Real).ToList();
                return parts.Any(p => p is null) ? null : new RealSet(t => parts.Any(p => p!.Contains(t)), parts.SelectMany(p => p!.Boundaries).ToList());
            default:
                return null;
        }
    }

    private static double Tolerance(double e) => double.IsFinite(e) ? 1e-9 * System.Math.Max(1, System.Math.Abs(e)) : 0;

    private static double? Number(MathValue v) => v is ScalarValue s ? Numeric.Constant(s.Expr) : null;
}
