namespace Ttc.Math.Expressions;

/// <summary>Questions about the form of an expression, as opposed to its value.</summary>
internal static class ExprShape
{
    /// <summary>
    /// Names only, no numbers: "x", "f(x)" (f times x here), "AB", "A:B", "|AB|", "x_1", "\overline{AB}".
    /// Such a left-hand side makes an equation an assignment whose right side is the answer.
    /// </summary>
    public static bool IsSymbolOnly(Expr e) => e switch
    {
        Var => true,
        Opaque o => o.Name.EndsWith('_') || (o.Args.Count > 0 && o.Args.All(IsSymbolOnly)),
        Binary { Op: '^' } => false,
        Binary b => IsSymbolOnly(b.Left) && IsSymbolOnly(b.Right),
        Unary { Op: '|' } u => IsSymbolOnly(u.Operand),
        Call c => c.Extra is null && IsSymbolOnly(c.Argument),
        _ => false,
    };

    /// <summary>A number as written, possibly negated or a percentage of one; <paramref name="isFloat"/> when it has a decimal point.</summary>
    public static bool IsAtomicNumber(Expr e, out bool isFloat)
    {
        switch (e)
        {
            case Num n:
                isFloat = n.IsFloat;
                return double.IsFinite(n.Value.Real);
            case Unary { Op: '-' } u:
                return IsAtomicNumber(u.Operand, out isFloat);
            case Percent p:
                return IsAtomicNumber(p.Operand, out isFloat);
            default:
                isFloat = false;
                return false;
        }
    }

    /// <summary>Whether a series (<c>\sum</c>, <c>\prod</c>) occurs, whose bounds need integer sample points.</summary>
    public static bool HasSeries(Expr e) => e switch
    {
        Series => true,
        Binary b => HasSeries(b.Left) || HasSeries(b.Right),
        Unary u => HasSeries(u.Operand),
        Percent p => HasSeries(p.Operand),
        Call c => HasSeries(c.Argument) || (c.Extra is not null && HasSeries(c.Extra)),
        Opaque o => o.Args.Any(HasSeries),
        _ => false,
    };
}
