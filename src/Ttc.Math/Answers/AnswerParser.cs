using System.Runtime.CompilerServices;
using Ttc.Math.Expressions;

namespace Ttc.Math.Answers;

/// <summary>
/// Reads a normalized answer (see <see cref="AnswerNormalizer"/>) as a <see cref="MathValue"/>, with the
/// conventions of Math-Verify's LaTeX reader: a bare list "a, b" and braces <c>\{a, b\}</c> are sets, groups
/// split by ';' are tuples, <c>(a, b)</c> is an open interval unless its ends decrease, <c>[a, b)</c> an
/// interval, <c>a \pm b</c> the set of both values, <c>x \in S</c> the set S, <c>x \approx 3</c> the value 3.
/// Anything it cannot read is <see cref="TextValue"/>, never an exception.
/// </summary>
internal static partial class AnswerParser
{
    /// <summary>Lists longer than this are compared as text: no answer has that many parts.</summary>
    private const int MaxItems = 64;

    /// <summary>Brackets nested deeper than this are not an answer (and would cost stack).</summary>
    private const int MaxNesting = 32;

    /// <summary>Recent parses of this thread: a grader reads the same answer to check a candidate and again to compare it.</summary>
    [ThreadStatic]
    private static (string Key, PercentMode Mode, MathValue Value)[]? recent;

    [ThreadStatic]
    private static int recentNext;

    /// <summary>Parses <paramref name="normalized"/>; a chain "a = b = c" that does not read is read by its last part, as Math-Verify does.</summary>
    public static MathValue Parse(string normalized, GradingOptions options)
    {
        var cache = recent ??= new (string, PercentMode, MathValue)[8];
        foreach (var (key, mode, cached) in cache)
        {
            if (mode == options.Percent && string.Equals(key, normalized, StringComparison.Ordinal))
            {
                return cached;
            }
        }

        var value = ParseChain(normalized, options);
        cache[recentNext++ & (cache.Length - 1)] = (normalized, options.Percent, value);
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MathValue ParseChain(string normalized, GradingOptions options)
    {
        var value = ParseList(normalized, options);
        if (value is TextValue && normalized.IndexOfAny([',', ';']) < 0 && normalized.Count(c => c == '=') >= 2)
        {
            var last = normalized[(normalized.LastIndexOf('=') + 1)..];
            if (last.Length > 0)
            {
                value = ParseList(last, options);
            }
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static MathValue ParseList(string normalized, GradingOptions options)
    {
        if (normalized.Length == 0 || normalized.Length > AnswerNormalizer.MaxLength || Nesting(normalized) > MaxNesting)
        {
            return new TextValue(normalized);
        }

        if (normalized.IndexOfAny([',', ';']) < 0)
        {
            // One element, the common case: no list to split.
            var values = Element(normalized, options);
            return values is [var one] ? one : new SetValue(values);
        }

        var groups = Split(normalized, ';');
        if (groups is null || groups.Count > MaxItems)
        {
            return new TextValue(normalized);
        }

        var parsed = new List<List<MathValue>>();
        foreach (var group in groups)
        {
            var elements = Split(group, ',');
            if (elements is null || elements.Count > MaxItems || elements.Any(e => e.Length == 0))
            {
                return new TextValue(normalized);
            }

            parsed.Add(elements.SelectMany(e => Element(e, options)).ToList());
        }

        if (parsed.Count == 1)
        {
            return parsed[0] is [var single] ? single : new SetValue(parsed[0]);
        }

        return parsed.All(g => g.Count == 1)
            ? new SetValue(parsed.Select(g => g[0]).ToList())
            : new SetValue(parsed.Select(g => g.Count == 1 ? g[0] : new TupleValue(g)).ToList());
    }

    /// <summary>Whether <paramref name="normalized"/> reads as mathematics rather than text.</summary>
    public static bool Parses(string normalized, GradingOptions options) =>
        (normalized.Length is > 0 and < 12 && normalized.All(char.IsAsciiDigit)) || Parse(normalized, options) is not TextValue;

    /// <summary>One element of a list: a relation, a union of sets, an interval, tuple or set, or an expression (two with <c>\pm</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<MathValue> Element(string s, GradingOptions options)
    {
        if (RelationParts(s) is { } relation)
        {
            return Relation(relation.Terms, relation.Ops, options);
        }

        var parts = SplitCommand(s, "cup");
        if (parts.Count > 1)
        {
            return parts.Any(p => p.Length == 0) ? [new TextValue(s)] : [new UnionValue(parts.Select(p => Single(Atom(p, options), p)).ToList())];
        }

        return Atom(s, options);
    }

    private static MathValue Single(List<MathValue> values, string source) => values is [var one] ? one : new SetValue(values);

    /// <summary>A set literal, interval, tuple, matrix or expression.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<MathValue> Atom(string s, GradingOptions options)
    {
        switch (s)
        {
            case "\\emptyset" or "\\varnothing" or "{}":
                return [new SetValue([])];
            case "\\mathbb{R}":
                return [new IntervalValue(Infinity(-1), Infinity(1), true, true)];
        }

        if (s.Length >= 2 && s[0] == '(' && s[^1] == ')' && s.StartsWith("(\\begin{pmatrix}", StringComparison.Ordinal) && Encloses(s))
        {
            s = s[1..^1];
        }

        if (MatrixCells(s) is { } rows)
        {
            return [new MatrixValue(rows.Select(r => (IReadOnlyList<MathValue>)r.Select(c => Single(Element(c, options), c)).ToList()).ToList())];
        }

        if (MatrixArithmetic(s, options) is { } computed)
        {
            return [computed];
        }

        if (s.Length >= 2 && s[0] is '(' or '[' or '{' && s[^1] is ')' or ']' or '}' && Encloses(s))
        {
            return Bracketed(s, options);
        }

        var expressions = LatexParser.TryParseAll(s, options.Percent == PercentMode.Strict);
        return expressions is null ? [new TextValue(s)] : expressions.Select(e => (MathValue)new ScalarValue(e, s)).ToList();
    }

    private static List<MathValue> Bracketed(string s, GradingOptions options)
    {
        char open = s[0], close = s[^1];
        var inner = s[1..^1];
        var raw = Split(inner, ';') is { Count: > 1 } semis ? semis.SelectMany(g => Split(g, ',') ?? [g]).ToList() : Split(inner, ',');
        if (raw is null || raw.Count > MaxItems || (raw.Count > 1 && raw.Any(r => r.Length == 0)))
        {
            return [new TextValue(s)];
        }

        if (open == '{' && close == '}')
        {
            return inner.Length == 0 ? [new SetValue([])] : [new SetValue(raw.SelectMany(r => Element(r, options)).ToList())];
        }

        if (raw.Count == 1)
        {
            // "(5)" is 5, "[x]" is x: brackets around one thing only group it.
            return open == '(' || open == '[' ? Element(inner, options) : [new TextValue(s)];
        }

        var items = raw.SelectMany(r => Element(r, options)).ToList();
        if (items.Count != 2 || open == '{' || close == '}')
        {
            return [new TupleValue(items)];
        }

        bool lowerOpen = open == '(', upperOpen = close == ')';
        if (lowerOpen && upperOpen && Decreasing(items[0], items[1]))
        {
            return [new TupleValue(items)]; // (3, 1) is a pair, not an empty interval
        }

        return [new IntervalValue(items[0], items[1], lowerOpen, upperOpen)];
    }

    /// <summary>Both ends are numbers and the second is not above the first.</summary>
    private static bool Decreasing(MathValue a, MathValue b) =>
        a is ScalarValue sa && b is ScalarValue sb && Numeric.Constant(sa.Expr) is { } x && Numeric.Constant(sb.Expr) is { } y && y <= x;

    private static ScalarValue Infinity(int sign) => new(new Num(sign * double.PositiveInfinity), sign < 0 ? "-\\infty" : "\\infty");
}
