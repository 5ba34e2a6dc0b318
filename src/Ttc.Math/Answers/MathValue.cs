using Ttc.Math.Expressions;

namespace Ttc.Math.Answers;

/// <summary>What an answer denotes once parsed: a value, a set or tuple, an interval, a relation, a matrix, or text.</summary>
internal abstract record MathValue;

/// <summary>An expression (number, formula); <paramref name="Source"/> is its normalized text.</summary>
internal sealed record ScalarValue(Expr Expr, string Source) : MathValue;

/// <summary>Something that is not arithmetic ("Evelyn", "\text{odd}" once normalized, garbage): compared as text.</summary>
internal sealed record TextValue(string Value) : MathValue;

/// <summary>An unordered collection: <c>\{1, 2\}</c>, a bare list "1, 2", the two values of <c>\pm</c>.</summary>
internal sealed record SetValue(IReadOnlyList<MathValue> Items) : MathValue;

/// <summary>An ordered tuple: <c>(1, 2, 3)</c>, or a pair whose ends are not increasing such as <c>(3, 1)</c>.</summary>
internal sealed record TupleValue(IReadOnlyList<MathValue> Items) : MathValue;

/// <summary>An interval; <c>(a, b)</c> with increasing or symbolic ends is read as an open interval (and also compares as a pair).</summary>
internal sealed record IntervalValue(MathValue Lower, MathValue Upper, bool LowerOpen, bool UpperOpen) : MathValue;

/// <summary>A union of intervals and sets: <c>(-\infty, 1) \cup (2, \infty)</c>.</summary>
internal sealed record UnionValue(IReadOnlyList<MathValue> Parts) : MathValue;

/// <summary>A matrix or column vector, row by row.</summary>
internal sealed record MatrixValue(IReadOnlyList<IReadOnlyList<MathValue>> Rows) : MathValue;

/// <summary>Kinds of comparison in a relation.</summary>
internal enum RelationOp
{
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    NotEqual,
}

/// <summary>A relation or chain of them: <c>x = 5+5+1 = 11</c>, <c>0 &lt; f(x) &lt; 1</c>, <c>x \ge 5</c>.</summary>
internal sealed record RelationValue(IReadOnlyList<MathValue> Terms, IReadOnlyList<RelationOp> Ops) : MathValue
{
    /// <summary>Only '=' signs.</summary>
    public bool IsEquation => Ops.All(o => o == RelationOp.Equal);

    /// <summary>An equation whose left side names something ("x = 5", "f(x) = 1", "(p, q) = (3, 2)"), so the right side is the answer.</summary>
    public bool IsAssignment => IsEquation && IsName(Terms[0]);

    /// <summary>The last right-hand side: what an equation chain ends with.</summary>
    public MathValue LastRight => Terms[^1];

    /// <summary>A term made of names only (no number in it): a variable, a product or quotient of variables, a function of them, a tuple of them.</summary>
    public static bool IsName(MathValue value) => value switch
    {
        ScalarValue s => ExprShape.IsSymbolOnly(s.Expr),
        TupleValue t => t.Items.All(IsName),
        IntervalValue { LowerOpen: true, UpperOpen: true } i => IsName(i.Lower) && IsName(i.Upper),
        _ => false,
    };
}
