using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ttc.Search;

/// <summary>One finished solution of a search.</summary>
/// <param name="Text">The assistant text.</param>
/// <param name="Scores">Per-step PRM scores (empty when the strategy does not score).</param>
/// <param name="AggregatedScore">Scores aggregated with the configured strategy (null when unscored).</param>
/// <param name="Answer">The extracted final answer, or null.</param>
/// <param name="StopReason">Why its generation stopped.</param>
/// <param name="GeneratedTokens">Tokens generated for it, from the root.</param>
/// <param name="PrmTokens">Tokens the PRM read the last time it scored it (0 when unscored).</param>
public sealed record Completion(
    string Text,
    IReadOnlyList<double> Scores,
    double? AggregatedScore,
    string? Answer,
    StopReason? StopReason,
    int GeneratedTokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int PrmTokens = 0);

/// <summary>The outcome of a search.</summary>
/// <param name="Strategy">Strategy name.</param>
/// <param name="Answer">The chosen final answer, or null when no completion states one.</param>
/// <param name="Completion">The chosen solution text.</param>
/// <param name="Score">The chosen completion's aggregated score, if scored.</param>
/// <param name="Completions">All n outputs, in the reference's order.</param>
/// <param name="Iterations">Search iterations run.</param>
/// <param name="Compute">What the search spent.</param>
/// <param name="Choice">compute_optimal: the probe's difficulty bin and the strategy it ran (null for other strategies).</param>
public sealed record SearchResult(
    string Strategy,
    string? Answer,
    string Completion,
    double? Score,
    IReadOnlyList<Completion> Completions,
    int Iterations,
    ComputeUsage Compute,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ComputeOptimalChoice? Choice = null)
{
    /// <summary>The one JSON form of a result (the CLI's --json, the job output, batch results), in <see cref="TtcJson"/>'s naming.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, TtcJson.Options)!.AsObject();

    /// <summary>Reads the form <see cref="ToJson"/> writes.</summary>
    /// <exception cref="JsonException">It is not a result.</exception>
    public static SearchResult FromJson(JsonNode json) =>
        json.Deserialize<SearchResult>(TtcJson.Options) ?? throw new JsonException("a search result must be a JSON object");
}
