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

    /// <summary>All names, in the order tables list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Greedy, Majority, BestOfN, WeightedBestOfN, BeamSearch, Dvts];

    /// <summary>Strategies that call the PRM.</summary>
    public static bool UsesPrm(string name) => name is BestOfN or WeightedBestOfN or BeamSearch or Dvts;
}
