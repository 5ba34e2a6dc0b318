namespace Ttc.Math.Tests;

/// <summary>What counts as the same answer, category by category, as a gold answer against a model's output.</summary>
public class EquivalenceCategoryTests
{
    private static bool Grade(string prediction, string gold) => MathGrader.Grade(prediction, gold).Correct;

    [Theory]
    [InlineData("$(a,b)=(5,1)$", "(5,1)", true)]
    [InlineData("$\\boxed{y = 7}$", "7", true)]
    [InlineData("$t = 2 + 3 = 5$", "5", true)]
    [InlineData("$t = 2 + 3 = 5$", "t = 5", true)]
    [InlineData("$\\boxed{x = 2y + 3}$", "3x - 6y = 9", true)]
    [InlineData("$\\boxed{x - y = 2}$", "x + y = 2", false)]
    [InlineData("$\\boxed{2m+n}$", "4 = 2m + n", false)]
    [InlineData("$\\boxed{7}$", "2x + y = 7", false)]
    [InlineData("$\\boxed{x = 4}$", "y = 4", false)]
    public void Grade_EquationsAndChains_AsMathVerify(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, Grade(prediction, gold));

    [Theory]
    [InlineData("$3 \\le t$", "t \\ge 3", true)]
    [InlineData("$-2y < 6$", "y > -3", true)]
    [InlineData("$y > 3$", "y < 3", false)]
    [InlineData("$a != 4$", "a \\neq 4", true)]
    [InlineData("$\\boxed{(2, 9]}$", "2 < w \\le 9", true)]
    [InlineData("$\\boxed{[-2, 2]}$", "|q| \\le 2", true)]
    [InlineData("$\\boxed{(-\\infty, -1] \\cup [1, \\infty)}$", "|q| \\ge 1", true)]
    [InlineData("$\\boxed{[2, 9]}$", "2 < w \\le 9", false)]
    public void Grade_InequalitiesAndIntervals_AsMathVerify(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, Grade(prediction, gold));

    [Theory]
    [InlineData("\\{4, -1\\}", "-1, 4")]
    [InlineData("\\pm 7", "\\{-7, 7\\}")]
    [InlineData("3 \\pm \\sqrt{5}", "3+\\sqrt5, 3-\\sqrt5")]
    [InlineData("1; 2; 3", "\\{3, 2, 1\\}")]
    [InlineData("(1,2), (3,4), (1,2)", "(3,4), (1,2)")]
    [InlineData("(-\\infty, 0) \\cup (3, \\infty)", "(3, \\infty) \\cup (-\\infty, 0)")]
    [InlineData("[0, 4) \\cup \\{6\\}", "\\{6\\} \\cup [0, 4)")]
    [InlineData("\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}", "2\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}")]
    public void AreEquivalent_SetsTuplesAndPlusMinus_Same(string a, string b)
    {
        Assert.True(MathEquivalence.AreEquivalent(a, b), $"{a} vs {b}");
        Assert.True(MathEquivalence.AreEquivalent(b, a), $"{b} vs {a}");
    }

    [Theory]
    [InlineData("(2, 5)", "(5, 2)")]
    [InlineData("\\pm 7", "7")]
    [InlineData("\\{1, 2\\}", "\\{1, 2, 3\\}")]
    [InlineData("[0, 4)", "[0, 4]")]
    public void AreEquivalent_SetsTuplesAndPlusMinus_Different(string a, string b)
    {
        Assert.False(MathEquivalence.AreEquivalent(a, b), $"{a} vs {b}");
        Assert.False(MathEquivalence.AreEquivalent(b, a), $"{b} vs {a}");
    }

    [Theory]
    [InlineData("The price is 3,75 €", "3.75", true)]
    [InlineData("about 12,500 people", "12500", true)]
    [InlineData("$\\boxed{7, 450}$", "7450", false)]
    [InlineData("$\\boxed{7,450}$", "7450", true)]
    [InlineData("so it is 0,125", "0.125", true)]
    public void Grade_DecimalCommaOrThousands_ToldApartByContext(string prediction, string gold, bool expected) =>
        Assert.Equal(expected, Grade(prediction, gold));

    [Theory]
    [InlineData("G_m G_{k-m}", "G_{k-m} G_m", true)]
    [InlineData("\\sum_{j=1}^{n} a_j b_{n-j}", "\\sum_{j=1}^{n} b_{n-j} a_j", true)]
    [InlineData("\\sum_{j=1}^{n} a_j b_{n-j}", "\\sum_{j=1}^{n} a_j b_{n-j+1}", false)]
    [InlineData("\\overline{PQ} \\cdot 2", "2\\overline{PQ}", true)]
    public void AreEquivalent_ProductsOfUnknownTerms_ComparedAtRandomPoints(string a, string b, bool expected) =>
        Assert.Equal(expected, MathEquivalence.AreEquivalent(a, b));

    [Theory]
    [InlineData("$\\boxed{12 \\text{ inches}}$", "12")]
    [InlineData("$\\boxed{7\\mbox{ m}^2}$", "7")]
    [InlineData("$\\boxed{\\textbf{Tuesday}}$", "\\text{Tuesday}")]
    [InlineData("$\\boxed{\\frac{2}{5}.}$", "\\frac25")]
    [InlineData("$\\boxed{3\\text{ and }8}$", "3, 8")]
    public void Grade_UnitsWrappersAndPunctuation_Ignored(string prediction, string gold) =>
        Assert.True(Grade(prediction, gold));

    [Theory]
    [InlineData("\\frac{2}{3}", "0.666667", true)]
    [InlineData("\\frac{2}{3}", "0.6667", false)]
    [InlineData("2\\pi", "6.283185", true)]
    [InlineData("10000", "10001", false)]
    public void AreEquivalent_Decimals_SixPlaces(string a, string b, bool expected) =>
        Assert.Equal(expected, MathEquivalence.AreEquivalent(a, b));
}
