using System.Diagnostics;

namespace Ttc.Math.Tests;

/// <summary>Texts built to make a naive scanner quadratic or a backtracking regex explode must still grade quickly.</summary>
public class AdversarialTextTests
{
    public static TheoryData<string> Texts() =>
    [
        string.Concat(Enumerable.Repeat("$", 60_000)),
        string.Concat(Enumerable.Repeat("\\(", 30_000)),
        string.Concat(Enumerable.Repeat("\\[ a ", 20_000)),
        string.Concat(Enumerable.Repeat("answer is ", 10_000)),
        string.Concat(Enumerable.Repeat("final answer ", 8_000)),
        string.Concat(Enumerable.Repeat("\\boxed{", 10_000)),
        string.Concat(Enumerable.Repeat("\\boxed{1}", 10_000)),
        string.Concat(Enumerable.Repeat("1 ", 60_000)),
        string.Concat(Enumerable.Repeat("1,000", 20_000)),
        string.Concat(Enumerable.Repeat("(1+", 20_000)),
        string.Concat(Enumerable.Repeat("$x$ and ", 15_000)),
        "\\boxed{" + string.Concat(Enumerable.Repeat("{(", 5_000)) + "}",
    ];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Texts))]
    public async Task Grade_AdversarialText_FinishesQuickly(string text)
    {
        await Task.Yield();
        var sw = Stopwatch.StartNew();
        var ex = Record.Exception(() =>
        {
            MathGrader.Grade(text, text[..System.Math.Min(text.Length, 3000)]);
            AnswerExtractor.Extract(text, lastNumberFallback: true);
        });
        Assert.Null(ex);
        // Generous for a loaded 2-core machine; a quadratic scan of these texts takes minutes.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed.TotalSeconds:F1} s");
    }
}
