using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Ttc.Math.Answers;
using Ttc.Math.Extraction;

namespace Ttc.Math;

/// <summary>
/// Finds the final answer in a model's output, in Math-Verify's order of trust: boxed answers (all of them,
/// as a list, when several state the answer together) and the Minerva form "final answer is $x$. I hope";
/// then "final answer ... is x"; then "answer: x"; then "answer ... x"; and, when guessing is allowed, the
/// last math environment (<c>$..$</c>, <c>\(..\)</c>, <c>\[..\]</c>, <c>$$..$$</c>) or plain number or
/// expression of the text. Within one level the statement that ends last wins, and a candidate that does
/// not read as mathematics gives way to the next. Bounded work, no exceptions.
/// </summary>
public static partial class AnswerExtractor
{
    /// <summary>Only the last this many characters of a text are searched: answers come at the end, and work must stay bounded.</summary>
    public const int MaxScanLength = 100_000;

    /// <summary>When guessing, this many last characters are searched first.</summary>
    private const int GuessTail = 8_000;

    /// <summary>
    /// Returns the raw final answer of <paramref name="text"/>, or <see langword="null"/> when it states none:
    /// only stated answers count (boxes and answer phrases). With <paramref name="lastNumberFallback"/> the last
    /// number in the text is taken when nothing is stated, as search-and-learn's parser does (off by default
    /// because it is a guess that a truncated solution would also yield). <see cref="MathGrader"/> guesses as
    /// Math-Verify does instead: the last math environment, expression or number.
    /// </summary>
    public static string? Extract(string? text, bool lastNumberFallback = false) =>
        Extract(text, lastNumberFallback ? Guess.LastNumber : Guess.None, GradingOptions.Default)?.Raw;

    /// <summary>The content of the last <c>\boxed{...}</c> or <c>\fbox{...}</c>, braces balanced; <c>\boxed 5</c> is accepted.</summary>
    public static string? LastBoxed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = BoxedAnswers.LastCommand(text, text.Length);
        return at < 0 ? null : BoxedAnswers.Read(text, at, text.Length)?.Content;
    }

    /// <summary>What to take when a text states no answer.</summary>
    internal enum Guess
    {
        /// <summary>Nothing: only stated answers.</summary>
        None,

        /// <summary>The last number, digits anywhere (search-and-learn's parser, for replaying its predictions).</summary>
        LastNumber,

        /// <summary>The last math environment, expression or number after a space (Math-Verify).</summary>
        MathVerify,
    }

    /// <summary>An extracted answer as found (cleaned of line breaks) and in canonical form.</summary>
    internal readonly record struct Found(string Raw, string Normalized);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Found? Extract(string? text, Guess guess, GradingOptions options)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > MaxScanLength)
        {
            text = text[^MaxScanLength..];
        }

        // Search-and-learn's PRM step tag is no part of any answer.
        text = text.Replace("\u043a\u0438", string.Empty, StringComparison.Ordinal);
        string? Parses(string answer) => AnswerNormalizer.Normalize(answer) is var key && AnswerParser.Parses(key, options) ? key : null;

        List<SpanGroup>? groups = null;
        List<SpanGroup> Groups() => groups ??= MathSpans.Group(text, MathSpans.FindAll(text));
        var scanner = new SpanScanner(text);

        var first = new List<TextAnswer>(AnswerPhrases.FinalAnswerHope(scanner));
        if (text.Contains("\\boxed", StringComparison.Ordinal) || text.Contains("\\fbox", StringComparison.Ordinal))
        {
            if (BoxedAnswers.Find(text, Groups()) is { } boxed)
            {
                first.Add(boxed);
            }
        }

        // When nothing reads as mathematics, the first candidate met is kept as text (Math-Verify's string fallback).
        string? fallback = null;
        Found? answer;
        answer = Pick(first, Parses, ref fallback)
            ?? Pick(AnswerPhrases.FinalAnswerIs(scanner), Parses, ref fallback)
            ?? Pick(AnswerPhrases.AnswerWord(scanner, colon: true), Parses, ref fallback)
            ?? Pick(AnswerPhrases.AnswerWord(scanner, colon: false), Parses, ref fallback);
        if (answer is null && guess == Guess.MathVerify)
        {
            // The last candidate that reads wins, and numbers always read, so the tail of a long text decides
            // unless it holds nothing; only then is all of it searched.
            int tail = System.Math.Max(0, text.Length - GuessTail);
            answer = Pick(Plain(text, Groups(), tail), Parses, ref fallback);
            if (answer is null && tail > 0)
            {
                answer = Pick(Plain(text, Groups(), 0), Parses, ref fallback);
            }
        }
        else if (answer is null && guess == Guess.LastNumber)
        {
            var number = LastNumber(text);
            answer = new Found(number, AnswerNormalizer.Normalize(number));
        }

        if (answer is { } picked)
        {
            return picked;
        }

        return fallback is null ? null : new Found(fallback, AnswerNormalizer.Normalize(fallback));
    }

    /// <summary>Math environments that end after <paramref name="from"/>, and expressions and numbers that start there or later.</summary>
    private static IEnumerable<TextAnswer> Plain(string text, List<SpanGroup> groups, int from) =>
        groups.Where(g => g.End > from).Select(g => new TextAnswer(g.Start, g.End, AnswerPhrases.GroupAnswer(text, g)))
            .Concat(TextNumbers.AllExpressions(text, from))
            .Concat(TextNumbers.AllNumbers(text, from));

    /// <summary>The candidate that ends last (the longer one on a tie) among those that read as mathematics.</summary>
    private static Found? Pick(IEnumerable<TextAnswer> candidates, Func<string, string?> parses, ref string? fallback)
    {
        foreach (var candidate in candidates.OrderByDescending(c => c.End).ThenBy(c => c.Start))
        {
            var raw = Clean(candidate.Answer);
            fallback ??= raw;
            if (parses(raw) is { } key)
            {
                return new Found(raw, key);
            }
        }

        return null;
    }

    /// <summary>The last number of the text, digits anywhere and commas ignored (search-and-learn's fallback); empty when there is none.</summary>
    private static string LastNumber(string text)
    {
        try
        {
            var numbers = AnyNumber().Matches(text.Replace(",", string.Empty, StringComparison.Ordinal));
            return numbers.Count > 0 ? numbers[^1].Value : string.Empty;
        }
        catch (RegexMatchTimeoutException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex(@"-?\d*\.?\d+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AnyNumber();

    private static string Clean(string answer)
    {
        // A box broken over lines ("\\\n  2") is one answer: the line breaks and their indentation go.
        answer = string.Join(string.Empty, answer.Split('\n').Select((line, k) => k == 0 ? line : line.TrimStart())).Trim();
        if (answer.StartsWith(':'))
        {
            answer = answer[1..].TrimStart();
        }

        return answer;
    }
}
