using System.Globalization;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>A strategy with the settings that change its result (one choice a policy can make).</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="BeamWidth">Its beam width.</param>
/// <param name="Aggregation">Its aggregation.</param>
/// <param name="Lookahead">Its lookahead.</param>
public sealed record PolicyCandidate(string Strategy, int BeamWidth, AggregationStrategy Aggregation, int Lookahead)
{
    /// <summary>"beam_search (M=4, last, lookahead 0)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Strategy} (M={BeamWidth}, {Aggregation.ToString().ToLowerInvariant()}, lookahead {Lookahead})");
}

/// <summary>The fitted policy and how well it did on problems it was not fitted on.</summary>
/// <param name="Policy">The policy, fitted on every problem.</param>
/// <param name="Report">Cross-validated accuracy per n: the policy against the best single strategy.</param>
public sealed record PolicyFitResult(ComputeOptimalPolicy Policy, JsonObject Report);

/// <summary>
/// Fits compute_optimal's policy from an evaluation run on a development split: the probe's score
/// (the mean PRM score of the pool's first samples, what compute_optimal sees at solve time) is cut into
/// bins of equal size, and each bin at each n gets the strategy and settings that were right most often
/// there (ties: the cheaper in FLOPs). K-fold cross-validation over problems reports what the policy and
/// the best single strategy score on problems they were not fitted on.
/// </summary>
public static class PolicyFit
{
    /// <summary>Fits a policy to <paramref name="lines"/> of one generator.</summary>
    /// <exception cref="ArgumentException">The lines cannot give a policy (no probe scores, no candidates).</exception>
    public static PolicyFitResult Fit(IReadOnlyList<EvalLine> lines, int bins = 3, int folds = 5, int probeSamples = 4)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (bins < 1 || folds < 2)
        {
            throw new ArgumentException("bins must be at least 1 and folds at least 2");
        }

        var usable = lines.Where(l => l.Skipped is null && l.AdaptiveRound == 0 && l.Strategy is not (StrategyNames.Greedy or StrategyNames.ComputeOptimal)).ToList();
        if (usable.Select(l => l.Generator).Distinct().Count() > 1)
        {
            throw new ArgumentException("the lines are of several generators; fit one at a time");
        }

        // The probe: scored pool lines at each n (their probe score is the mean of the first min(n, probe) samples).
        var probe = usable.Where(l => l.Subsampled && l.ProbeScore is not null)
            .GroupBy(l => (l.UniqueId, l.N))
            .ToDictionary(g => g.Key, g => g.Average(l => l.ProbeScore!.Value));
        if (probe.Count == 0)
        {
            throw new ArgumentException("no probe scores: the run needs best_of_n or weighted_best_of_n, whose samples are the probe");
        }

        var aggregation = usable.First(l => l.Subsampled && l.ProbeScore is not null).Aggregation;
        var correct = usable.GroupBy(l => (l.UniqueId, l.N, Candidate(l)))
            .ToDictionary(g => g.Key, g => g.Average(l => l.Correct ? 1.0 : 0.0));
        var flops = usable.GroupBy(l => (l.N, Candidate(l))).ToDictionary(g => g.Key, g => g.Average(l => l.Flops));
        var ns = usable.Select(l => l.N).Distinct().Order().ToList();
        var problems = usable.Select(l => l.UniqueId).Distinct().Order(StringComparer.Ordinal).ToList();
        var candidates = flops.Keys.Select(k => k.Item2).Distinct().OrderBy(c => StrategyNames.All.ToList().IndexOf(c.Strategy)).ThenBy(c => c.ToString(), StringComparer.Ordinal).ToList();
        var data = new FitData(probe, correct, flops, ns, candidates, bins, probeSamples, aggregation);

        var cv = new JsonArray();
        foreach (int n in ns)
        {
            double policyRight = 0, singleRight = 0;
            int count = 0;
            var singles = new Dictionary<string, int>();
            for (int fold = 0; fold < folds; fold++)
            {
                var train = problems.Where((_, i) => i % folds != fold).ToList();
                var test = problems.Where((_, i) => i % folds == fold).ToList();
                if (train.Count == 0 || test.Count == 0)
                {
                    continue;
                }

                var policy = data.Fit(train);
                var single = data.Best(train, n);
                singles[single.ToString()] = singles.GetValueOrDefault(single.ToString()) + 1;
                foreach (var p in test.Where(p => probe.ContainsKey((p, n))))
                {
                    var entry = policy.Choose(policy.BinOf(probe[(p, n)]), n);
                    policyRight += correct.GetValueOrDefault((p, n, new PolicyCandidate(entry.Strategy, entry.BeamWidth, entry.Aggregation, entry.Lookahead)));
                    singleRight += correct.GetValueOrDefault((p, n, single));
                    count++;
                }
            }

            cv.Add(new JsonObject
            {
                ["n"] = n,
                ["problems"] = count,
                ["computeOptimal"] = System.Math.Round(policyRight / System.Math.Max(1, count), 4),
                ["bestSingle"] = System.Math.Round(singleRight / System.Math.Max(1, count), 4),
                ["bestSingleStrategy"] = singles.Count == 0 ? null : singles.MaxBy(s => s.Value).Key,
            });
        }

        var report = new JsonObject
        {
            ["generator"] = usable.FirstOrDefault()?.Generator,
            ["problems"] = problems.Count,
            ["bins"] = bins,
            ["folds"] = folds,
            ["candidates"] = new JsonArray(candidates.Select(c => (JsonNode)c.ToString()).ToArray()),
            ["crossValidation"] = cv,
            ["note"] = "crossValidation: accuracy on the held-out folds of the development problems; the probe's own compute (paid on top by strategies that cannot reuse its samples) is not in these figures.",
        };
        return new PolicyFitResult(data.Fit(problems), report);
    }

    private static PolicyCandidate Candidate(EvalLine l) => new(l.Strategy, l.BeamWidth, l.Aggregation, l.Lookahead);

    private sealed record FitData(
        Dictionary<(string Id, int N), double> Probe,
        Dictionary<(string Id, int N, PolicyCandidate C), double> Correct,
        Dictionary<(int N, PolicyCandidate C), double> Flops,
        List<int> Ns,
        List<PolicyCandidate> Candidates,
        int Bins,
        int ProbeSamples,
        AggregationStrategy Aggregation)
    {
        public ComputeOptimalPolicy Fit(IReadOnlyList<string> problems)
        {
            // Cut points from the full probe (at the largest n), halfway between neighbours across each cut.
            var full = problems.Where(p => Probe.ContainsKey((p, Ns[^1]))).Select(p => Probe[(p, Ns[^1])]).OrderDescending().ToList();
            var thresholds = new List<double>();
            for (int b = 1; b < Bins && full.Count > 0; b++)
            {
                int at = b * full.Count / Bins;
                thresholds.Add(at <= 0 ? full[0] : at >= full.Count ? full[^1] : (full[at - 1] + full[at]) / 2);
            }

            var shape = new ComputeOptimalPolicy { ProbeSamples = ProbeSamples, ProbeAggregation = Aggregation, Thresholds = thresholds };
            var entries = new List<PolicyEntry>();
            foreach (int n in Ns)
            {
                for (int bin = 1; bin <= shape.Bins; bin++)
                {
                    var inBin = problems.Where(p => Probe.TryGetValue((p, n), out var s) && shape.BinOf(s) == bin).ToList();
                    var c = inBin.Count > 0 ? Best(inBin, n) : Best(problems, n);
                    entries.Add(new PolicyEntry(bin, n, c.Strategy, c.BeamWidth, c.Aggregation, c.Lookahead));
                }
            }

            return shape with { Entries = entries };
        }

        // Right most often on the problems; ties to the cheaper, then to the earlier in table order.
        public PolicyCandidate Best(IReadOnlyList<string> problems, int n) =>
            Candidates.Where(c => Flops.ContainsKey((n, c)))
                .Select((c, order) => (C: c, Order: order, Right: problems.Sum(p => Correct.GetValueOrDefault((p, n, c))), Cost: Flops[(n, c)]))
                .OrderByDescending(x => x.Right).ThenBy(x => x.Cost).ThenBy(x => x.Order)
                .First().C;
    }
}
