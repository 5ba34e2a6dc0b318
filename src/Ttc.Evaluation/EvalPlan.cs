using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// The grid of an evaluation, strategies x n x seeds per generator, as units to run: greedy once per
/// generator; the sampling strategies from one pool of samples per seed at the largest n (subsampled in
/// order for every smaller n); every other strategy (beam search, DVTS, REBASE, compute_optimal) run at
/// each n, smaller budgets first, so a run that is stopped has measured every strategy at the small ones.
/// </summary>
public static class EvalPlan
{
    /// <summary>The note tables and summaries carry about the subsampled cells.</summary>
    public const string SubsamplingNote = "majority, best_of_n and weighted_best_of_n at every n are the first n samples of one run at the largest n per seed, subsampled in order (not separate runs); beam_search, dvts, rebase and compute_optimal run at each n.";

    /// <summary>The units of a grid.</summary>
    /// <param name="generators">Generator names.</param>
    /// <param name="strategies">Strategy names.</param>
    /// <param name="budgets">The values of n.</param>
    /// <param name="seeds">Search seeds (greedy runs with the first only: it does not sample).</param>
    /// <param name="configure">The settings of a strategy at n and seed (the caller's options applied).</param>
    /// <param name="adaptiveRound">When above 0, the sampling cells are also reported with the adaptive budget in rounds of this many.</param>
    /// <param name="probeSamples">Samples of compute_optimal's probe, for the predicted difficulty of pool lines.</param>
    /// <param name="references">Generators run only as lines to beat: greedy and majority, whatever <paramref name="strategies"/> says.</param>
    /// <param name="referenceMaxN">The largest n of the references' majority vote (null: the grid's largest), as a larger generator costs more per sample.</param>
    public static IReadOnlyList<EvalUnit> Build(
        IReadOnlyList<string> generators,
        IReadOnlyList<string> strategies,
        IReadOnlyList<int> budgets,
        IReadOnlyList<long> seeds,
        Func<string, int, long, SearchConfig> configure,
        int adaptiveRound = 0,
        int probeSamples = 4,
        IReadOnlyCollection<string>? references = null,
        int? referenceMaxN = null)
    {
        ArgumentNullException.ThrowIfNull(generators);
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(configure);
        if (budgets.Count == 0 || seeds.Count == 0)
        {
            throw new ArgumentException("a grid needs at least one n and one seed");
        }

        var ns = budgets.Distinct().Order().ToList();
        // Pools draw all samples at once; the adaptive cells are replayed on them.
        SearchConfig Plain(string s, int n, long seed) => configure(s, n, seed) with { AdaptiveRound = 0 };
        var units = new List<EvalUnit>();
        foreach (var g in generators)
        {
            bool reference = references?.Contains(g) == true;
            var run = reference ? [StrategyNames.Greedy, StrategyNames.Majority] : strategies;
            var budgetsOf = reference && referenceMaxN is { } most && ns.Any(n => n <= most) ? ns.Where(n => n <= most).ToList() : ns;
            var sampling = run.Where(StrategyNames.IsSampling).Distinct().ToList();
            var searched = run.Where(s => s != StrategyNames.Greedy && !StrategyNames.IsSampling(s)).Distinct().ToList();
            if (run.Contains(StrategyNames.Greedy))
            {
                units.Add(EvalUnit.Direct(g, Plain(StrategyNames.Greedy, 1, seeds[0])));
            }

            if (sampling.Count > 0)
            {
                // Scored when any cell needs scores; majority ignores them and is charged no PRM tokens.
                string drawn = sampling.Any(s => s != StrategyNames.Majority) ? StrategyNames.BestOfN : StrategyNames.Majority;
                foreach (var seed in seeds)
                {
                    var cells = new List<SearchConfig>();
                    foreach (var s in sampling)
                    {
                        foreach (var n in budgetsOf)
                        {
                            cells.Add(Plain(s, n, seed));
                            if (adaptiveRound > 0 && n > adaptiveRound)
                            {
                                cells.Add(Plain(s, n, seed) with { AdaptiveRound = adaptiveRound });
                            }
                        }
                    }

                    units.Add(new EvalUnit(g, Plain(drawn, budgetsOf[^1], seed), cells, Pool: true, ProbeSamples: probeSamples));
                }
            }

            foreach (var n in ns)
            {
                foreach (var seed in seeds)
                {
                    units.AddRange(searched.Select(s => EvalUnit.Direct(g, Plain(s, n, seed))));
                }
            }
        }

        return units;
    }
}
