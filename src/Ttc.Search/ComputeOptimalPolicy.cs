using System.Globalization;
using System.Text.Json;

namespace Ttc.Search;

/// <summary>What a policy assigns to one difficulty bin at one budget.</summary>
/// <param name="Bin">Difficulty bin, 1 (easiest) to <see cref="ComputeOptimalPolicy.Bins"/>.</param>
/// <param name="N">The budget this entry was fitted at.</param>
/// <param name="Strategy">The strategy to run (any but compute_optimal).</param>
/// <param name="BeamWidth">Its beam width (beam search, DVTS); lowered to a divisor of n when needed.</param>
/// <param name="Aggregation">Its score aggregation.</param>
/// <param name="Lookahead">Its lookahead.</param>
public sealed record PolicyEntry(int Bin, int N, string Strategy, int BeamWidth = 4, AggregationStrategy Aggregation = AggregationStrategy.Last, int Lookahead = 0);

/// <summary>
/// The table <c>compute_optimal</c> follows: a probe of <see cref="ProbeSamples"/> samples scored by the
/// PRM gives the problem's predicted difficulty (the mean of their aggregated scores, binned by
/// <see cref="Thresholds"/>), and the entry for that bin and the budget says what to run. Plain data
/// that travels inside the search settings, so every driver (the CLI, the durable workflow) runs the
/// same choice from the same table. Fitted by <c>ttc fit-policy</c> on a development split.
/// </summary>
public sealed record ComputeOptimalPolicy
{
    /// <summary>Samples in the probe (at most n are drawn). Default 4.</summary>
    public int ProbeSamples { get; init; } = 4;

    /// <summary>How each probe sample's step scores become one number before they are averaged.</summary>
    public AggregationStrategy ProbeAggregation { get; init; } = AggregationStrategy.Last;

    /// <summary>Descending cut points of the mean probe score: at least the first is bin 1 (easiest), below the last is the hardest bin.</summary>
    public IReadOnlyList<double> Thresholds { get; init; } = [];

    /// <summary>One entry per (bin, budget) fitted.</summary>
    public IReadOnlyList<PolicyEntry> Entries { get; init; } = [];

    /// <summary>Number of difficulty bins.</summary>
    public int Bins => Thresholds.Count + 1;

    /// <summary>The bin of a mean probe score: 1 for the easiest problems, <see cref="Bins"/> for the hardest.</summary>
    public int BinOf(double probeScore)
    {
        int bin = 1;
        while (bin <= Thresholds.Count && probeScore < Thresholds[bin - 1])
        {
            bin++;
        }

        return bin;
    }

    /// <summary>The entry for <paramref name="bin"/> fitted at the largest budget not above <paramref name="n"/> (else the smallest budget).</summary>
    public PolicyEntry Choose(int bin, int n)
    {
        var inBin = Entries.Where(e => e.Bin == bin).OrderBy(e => e.N).ToList();
        if (inBin.Count == 0)
        {
            throw new InvalidOperationException($"The policy has no entry for difficulty bin {bin}.");
        }

        return inBin.LastOrDefault(e => e.N <= n) ?? inBin[0];
    }

    /// <summary>Problems with the table, each as one sentence (empty when usable).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ProbeSamples < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"probeSamples must be at least 1 (got {ProbeSamples})"));
        }

        if (Thresholds is null || Entries is null)
        {
            errors.Add("thresholds and entries are required");
            return errors;
        }

        for (int i = 1; i < Thresholds.Count; i++)
        {
            if (!(Thresholds[i] <= Thresholds[i - 1]))
            {
                errors.Add("thresholds must be in descending order");
                break;
            }
        }

        foreach (var e in Entries)
        {
            if (e.Bin < 1 || e.Bin > Bins)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"entry bin {e.Bin} is outside 1..{Bins}"));
            }

            if (e.Strategy == StrategyNames.ComputeOptimal || !StrategyNames.All.Contains(e.Strategy))
            {
                errors.Add($"entry strategy '{e.Strategy}' cannot be run by compute_optimal");
            }

            if (e.N < 1 || e.BeamWidth < 1 || e.Lookahead < 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"entry (bin {e.Bin}, n {e.N}) needs n >= 1, beamWidth >= 1 and lookahead >= 0"));
            }
        }

        foreach (int bin in Enumerable.Range(1, Bins).Where(b => Entries.All(e => e.Bin != b)))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"no entry for difficulty bin {bin}"));
        }

        return errors;
    }

    /// <summary>Reads a policy file's text (other fields, such as the fit report, are ignored).</summary>
    /// <exception cref="JsonException">It is not a policy.</exception>
    public static ComputeOptimalPolicy FromJson(string json) =>
        JsonSerializer.Deserialize<ComputeOptimalPolicy>(json, TtcJson.Options) ?? throw new JsonException("a policy must be a JSON object");
}

/// <summary>What compute_optimal chose for one problem (part of its result).</summary>
/// <param name="Bin">The difficulty bin from the probe.</param>
/// <param name="ProbeScore">The mean aggregated PRM score of the probe's samples.</param>
/// <param name="ProbeSamples">Samples the probe drew.</param>
/// <param name="Strategy">The strategy run.</param>
/// <param name="BeamWidth">Its beam width.</param>
/// <param name="Aggregation">Its aggregation.</param>
/// <param name="Lookahead">Its lookahead.</param>
/// <param name="ReusedProbe">Whether the probe's samples were reused as the strategy's first samples.</param>
public sealed record ComputeOptimalChoice(int Bin, double ProbeScore, int ProbeSamples, string Strategy, int BeamWidth, AggregationStrategy Aggregation, int Lookahead, bool ReusedProbe);
