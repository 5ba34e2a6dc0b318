using System.Text.Json;
using Ttc.Search;

namespace Ttc.Durable;

/// <summary>The input of a batch run.</summary>
/// <param name="Dataset">The JSONL blob ("container/path.jsonl") with problem, answer, level, unique_id per line.</param>
/// <param name="Config">Search settings for every problem.</param>
/// <param name="Limit">Problems to take from the start (all when null).</param>
public sealed record BatchInput(string Dataset, SearchConfig Config, int? Limit)
{
    /// <summary>As stored in the instance table.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SolveInput.Json);

    /// <summary>Reads a stored input.</summary>
    public static BatchInput FromJson(string json) => JsonSerializer.Deserialize<BatchInput>(json, SolveInput.Json) ?? throw new JsonException("empty input");
}

/// <summary>One problem of a batch, as read from the dataset.</summary>
/// <param name="Id">unique_id (or the line number).</param>
/// <param name="Problem">The statement.</param>
/// <param name="Answer">The gold answer.</param>
/// <param name="Level">Difficulty level, if given.</param>
public sealed record BatchProblem(string Id, string Problem, string Answer, int? Level);
