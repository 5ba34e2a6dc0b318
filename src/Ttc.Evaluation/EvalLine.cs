using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// One line of results.jsonl: one problem solved by one grid cell (generator x strategy and settings x n
/// x seed), or skipped with the reason. Written in <see cref="TtcJson"/>'s naming; the summary, the
/// plots, resumption and policy fitting all read these lines back.
/// </summary>
public sealed record EvalLine
{
    /// <summary>The generator's name.</summary>
    public string Generator { get; init; } = string.Empty;

    /// <summary>The strategy.</summary>
    public string Strategy { get; init; } = string.Empty;

    /// <summary>The budget n.</summary>
    public int N { get; init; }

    /// <summary>The search seed.</summary>
    public long Seed { get; init; }

    /// <summary>Beam width of the cell's settings.</summary>
    public int BeamWidth { get; init; }

    /// <summary>Aggregation of the cell's settings.</summary>
    public AggregationStrategy Aggregation { get; init; }

    /// <summary>Lookahead of the cell's settings.</summary>
    public int Lookahead { get; init; }

    /// <summary>Adaptive round size (0: all n samples drawn).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AdaptiveRound { get; init; }

    /// <summary>The problem's id.</summary>
    public string UniqueId { get; init; } = string.Empty;

    /// <summary>The dataset's level, if any.</summary>
    public int? Level { get; init; }

    /// <summary>The estimated difficulty bin (1 easiest), by the run's difficulty method.</summary>
    public int? Difficulty { get; init; }

    /// <summary>Oracle difficulty: the share of the sample pool's samples that are right.</summary>
    public double? PassAt1 { get; init; }

    /// <summary>Predicted difficulty: the mean PRM score of the first min(n, probe) pool samples, as compute_optimal's probe sees it.</summary>
    public double? ProbeScore { get; init; }

    /// <summary>The gold answer.</summary>
    public string Gold { get; init; } = string.Empty;

    /// <summary>The prediction.</summary>
    public string? Answer { get; init; }

    /// <summary>Whether the prediction is right.</summary>
    public bool Correct { get; init; }

    /// <summary>Tokens generated.</summary>
    public long GeneratedTokens { get; init; }

    /// <summary>Tokens the PRM read.</summary>
    public long PrmTokens { get; init; }

    /// <summary>2 x generator parameters x generated tokens + 2 x PRM parameters x PRM tokens.</summary>
    public double Flops { get; init; }

    /// <summary>Seconds of inference charged to this problem (subsampled lines: the pool run's, in proportion to the samples used).</summary>
    public double Seconds { get; init; }

    /// <summary>Taken from the first n samples of one run at the largest n, not run on its own.</summary>
    public bool Subsampled { get; init; }

    /// <summary>compute_optimal's choice.</summary>
    public ComputeOptimalChoice? Choice { get; init; }

    /// <summary>Why the problem was not solved (then <see cref="Correct"/> is false and it is left out of accuracy).</summary>
    public string? Skipped { get; init; }

    /// <summary>The durable solve that answered it (batch runs of the service; absent in <c>ttc eval</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InstanceId { get; init; }

    /// <summary>The cell this line belongs to, seed included.</summary>
    [JsonIgnore]
    public string CellKey => string.Create(CultureInfo.InvariantCulture, $"{Generator}|{Label}|{N}|{Seed}|{BeamWidth}|{Aggregation}|{Lookahead}");

    /// <summary>The key resumption looks for: the cell and the problem.</summary>
    [JsonIgnore]
    public string Key => CellKey + "|" + UniqueId;

    /// <summary>The cell's name in tables and plots: the strategy, "(adaptive)" when it stops early.</summary>
    [JsonIgnore]
    public string Label => AdaptiveRound > 0 ? Strategy + " (adaptive)" : Strategy;

    /// <summary>The JSON line.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TtcJson.Options);

    /// <summary>Reads a line; null when it is not one (a line cut short by a kill).</summary>
    public static EvalLine? TryParse(string line)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<EvalLine>(line, TtcJson.Options);
            return parsed is { Generator.Length: > 0, UniqueId.Length: > 0 } ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A line with the cell's settings from <paramref name="config"/>.</summary>
    public static EvalLine For(string generator, SearchConfig config, EvalProblem problem)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(problem);
        return new EvalLine
        {
            Generator = generator,
            Strategy = config.Strategy,
            N = config.N,
            Seed = config.Seed,
            BeamWidth = config.BeamWidth,
            Aggregation = config.Aggregation,
            Lookahead = config.Lookahead,
            AdaptiveRound = config.AdaptiveRound,
            UniqueId = problem.Id,
            Level = problem.Level,
            Gold = problem.Answer,
        };
    }
}
