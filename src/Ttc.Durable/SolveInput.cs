using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>The input of a solve instance.</summary>
/// <param name="Problem">The problem statement.</param>
/// <param name="Config">The search settings (strategy included).</param>
public sealed record SolveInput(string Problem, SearchConfig Config)
{
    internal static JsonSerializerOptions Json => TtcJson.Options;

    /// <summary>As stored in the instance table.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored input.</summary>
    public static SolveInput FromJson(string json) => JsonSerializer.Deserialize<SolveInput>(json, Json) ?? throw new JsonException("empty input");

    /// <summary>Parses an instance's stored input; an unreadable one is reported like a corrupt checkpoint (fail, never retry).</summary>
    internal static T Read<T>(InstanceRecord instance, Func<string, T> parse)
    {
        try
        {
            return parse(instance.Input ?? string.Empty);
        }
        catch (JsonException ex)
        {
            throw new CheckpointCorruptException($"Instance '{instance.InstanceId}' has an unreadable input: {ex.Message}", ex);
        }
    }

    /// <summary>The output of a finished search, as the status API returns it.</summary>
    public static JsonObject Output(SearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.ToJson();
    }

    /// <summary>Progress of a running search.</summary>
    public static JsonObject Progress(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var scores = state.Active.Concat(state.Completed).Concat(state.Candidates)
            .Select(b => ScoreAggregation.Aggregate(b.Scores, state.Config.Aggregation)).ToList();
        return new JsonObject
        {
            ["step"] = state.Iteration,
            ["of"] = state.Config.NumIterations,
            ["liveBeams"] = state.Active.Count,
            ["finished"] = state.Completed.Count,
            ["bestScore"] = scores.Count == 0 ? null : System.Math.Round(scores.Max(), 4),
            ["generatedTokens"] = state.Compute.GeneratedTokens,
            ["prmTokens"] = state.Compute.PrmTokens,
        };
    }
}
