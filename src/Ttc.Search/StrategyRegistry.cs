using Ttc.Search.Strategies;

namespace Ttc.Search;

/// <summary>The registry of strategies, keyed by name.</summary>
public static class StrategyRegistry
{
    private static readonly Dictionary<string, SearchStrategy> ByName = new SearchStrategy[]
    {
        new Greedy(), new MajorityVoting(), new BestOfN(),
        new WeightedBestOfN(), new BeamSearch(), new Dvts(),
        new Rebase(), new ComputeOptimal(),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The strategy called <paramref name="name"/>.</summary>
    /// <exception cref="SearchConfigException">The name is unknown.</exception>
    public static SearchStrategy Get(string name) =>
        name is not null && ByName.TryGetValue(name, out var s)
            ? s
            : throw new SearchConfigException([new ConfigError("strategy", $"unknown strategy '{name}'; expected one of {string.Join(", ", StrategyNames.All)}")]);
}
