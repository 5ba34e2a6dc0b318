using Ttc.Search;

namespace Ttc.Evaluation.Tests;

public class PolicyFitTests
{
    // A small synthetic grid: 20 problems; the probe scores the first ten high (easy) and the rest low (hard).
    // On easy problems Best-of-N is right and beam search wrong; on hard ones the other way round, as the study found.
    private static List<EvalLine> Grid()
    {
        var lines = new List<EvalLine>();
        foreach (int n in new[] { 4, 16 })
        {
            for (int i = 0; i < 20; i++)
            {
                bool easy = i < 10;
                var problem = new EvalProblem($"p{i:D2}", "?", "1", null);
                var best = EvalLine.For("small", new SearchConfig { Strategy = StrategyNames.BestOfN, N = n }, problem) with
                {
                    Subsampled = true,
                    ProbeScore = easy ? 0.9 - (i * 0.01) : 0.3 - (i * 0.01),
                    Correct = easy,
                    Flops = 100 * n,
                };
                var beam = EvalLine.For("small", new SearchConfig { Strategy = StrategyNames.BeamSearch, N = n, BeamWidth = 2 }, problem) with { Correct = !easy, Flops = 300 * n };
                lines.AddRange([best, beam]);
            }
        }

        return lines;
    }

    [Fact]
    public void Fit_EasyAndHardProblemsPreferDifferentStrategies_PolicyPicksEachAndBeatsTheBestSingleInCrossValidation()
    {
        var fit = PolicyFit.Fit(Grid(), bins: 2, folds: 5);

        var policy = fit.Policy;
        Assert.Empty(policy.Validate());
        Assert.Equal(2, policy.Bins);
        Assert.InRange(policy.Thresholds[0], 0.3, 0.7);
        foreach (int n in new[] { 4, 16 })
        {
            Assert.Equal(StrategyNames.BestOfN, policy.Choose(1, n).Strategy);
            var hard = policy.Choose(2, n);
            Assert.Equal(StrategyNames.BeamSearch, hard.Strategy);
            Assert.Equal(2, hard.BeamWidth);
        }

        var cv = fit.Report["crossValidation"]!.AsArray();
        Assert.Equal(2, cv.Count);
        Assert.All(cv, row =>
        {
            Assert.Equal(20, row!["problems"]!.GetValue<int>());
            Assert.Equal(1.0, row["computeOptimal"]!.GetValue<double>());
            Assert.Equal(0.5, row["bestSingle"]!.GetValue<double>());
        });

        // The file compute_optimal reads back.
        var json = System.Text.Json.JsonSerializer.Serialize(policy, TtcJson.Options);
        Assert.Equal(StrategyNames.BeamSearch, ComputeOptimalPolicy.FromJson(json).Choose(2, 64).Strategy);
    }

    [Fact]
    public void Fit_NoProbeScores_ExplainsWhatIsMissing()
    {
        var lines = Grid().Where(l => l.Strategy == StrategyNames.BeamSearch).ToList();
        var ex = Assert.Throws<ArgumentException>(() => PolicyFit.Fit(lines));
        Assert.Contains("best_of_n or weighted_best_of_n", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantiles_TenValues_FiveBinsOfTwoHighestFirst()
    {
        var values = Enumerable.Range(0, 10).Select(i => ($"p{i}", i / 10.0)).ToList();
        var bins = DifficultyEstimate.Quantiles(values).ToDictionary(x => x.Id, x => x.Bin);
        Assert.Equal(1, bins["p9"]);
        Assert.Equal(1, bins["p8"]);
        Assert.Equal(5, bins["p0"]);
        Assert.All(Enumerable.Range(1, 5), b => Assert.Equal(2, bins.Values.Count(v => v == b)));
    }

    [Fact]
    public void Assign_Oracle_BinsByPassAt1OfThePoolAtTheLargestN()
    {
        var lines = Enumerable.Range(0, 5).Select(i => EvalLine.For("small", new SearchConfig { Strategy = StrategyNames.Majority, N = 8 }, new EvalProblem($"p{i}", "?", "1", null)) with
        {
            Subsampled = true,
            PassAt1 = i / 4.0,
        }).ToList();
        var assigned = DifficultyEstimate.Assign(lines, DifficultyMethod.Oracle);
        Assert.Equal(1, assigned.Single(l => l.UniqueId == "p4").Difficulty);
        Assert.Equal(5, assigned.Single(l => l.UniqueId == "p0").Difficulty);
    }
}
