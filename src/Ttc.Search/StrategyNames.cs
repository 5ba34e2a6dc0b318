namespace Ttc.Search;

/// <summary>The strategy names used everywhere: CLI, HTTP and configuration.</summary>
public static class StrategyNames
{
    /// <summary>One sample at temperature 0.</summary>
    public const string Greedy = "greedy";

    /// <summary>Self-consistency: the most frequent answer among n samples.</summary>
    public const string Majority = "majority";

    /// <summary>The sample with the highest aggregated PRM score.</summary>
    public const string BestOfN = "best_of_n";

    /// <summary>The answer with the highest summed PRM score.</summary>
    public const string WeightedBestOfN = "weighted_best_of_n";

    /// <summary>PRM-guided beam search over steps.</summary>
    public const string BeamSearch = "beam_search";

    /// <summary>Diverse Verifier Tree Search: n/M independent greedy-by-PRM subtrees.</summary>
    public const string Dvts = "dvts";

    /// <summary>REBASE: reward-balanced expansion, each node's children in proportion to softmax(score / T).</summary>
    public const string Rebase = "rebase";

    /// <summary>Estimates the problem's difficulty with a small probe, then runs what a policy assigns to that difficulty and n.</summary>
    public const string ComputeOptimal = "compute_optimal";

    /// <summary>All names, in the order tables list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Greedy, Majority, BestOfN, WeightedBestOfN, BeamSearch, Dvts, Rebase, ComputeOptimal];

    /// <summary>The strategies whose n samples are drawn independently (to the end, seeds by sample index).</summary>
    public static bool IsSampling(string name) => name is Majority or BestOfN or WeightedBestOfN;

    /// <summary>Strategies that call the PRM.</summary>
    public static bool UsesPrm(string name) => name is BestOfN or WeightedBestOfN or BeamSearch or Dvts or Rebase or ComputeOptimal;
}
