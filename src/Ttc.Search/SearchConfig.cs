using System.Text.Json.Serialization;

namespace Ttc.Search;

/// <summary>
/// Settings of one search. Defaults are the reference's (search-and-learn). Call
/// <see cref="Validate"/> (or <see cref="EnsureValid"/>) before use: every message names its field.
/// </summary>
public sealed record SearchConfig
{
    /// <summary>Largest n accepted unless a host sets a lower cap.</summary>
    public const int MaxN = 4096;

    /// <summary>Strategy name, one of <see cref="StrategyNames.All"/>.</summary>
    public string Strategy { get; init; } = StrategyNames.BeamSearch;

    /// <summary>Number of samples or beams (the compute budget). Default 4.</summary>
    public int N { get; init; } = 4;

    /// <summary>Beam width M: beam search keeps n/M beams; DVTS runs n/M subtrees of M candidates. Default 4.</summary>
    public int BeamWidth { get; init; } = 4;

    /// <summary>Maximum search iterations (steps); the last one generates to the end. Default 40.</summary>
    public int NumIterations { get; init; } = 40;

    /// <summary>Extra greedy steps generated before scoring a candidate step. Default 0.</summary>
    public int Lookahead { get; init; }

    /// <summary>Sampling temperature. Default 0.8.</summary>
    public double Temperature { get; init; } = 0.8;

    /// <summary>Nucleus sampling mass. Default 1.0.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Token limit of one generation call. Default 2048.</summary>
    public int MaxTokens { get; init; } = 2048;

    /// <summary>Text that ends a step. Default a blank line.</summary>
    public string StepSeparator { get; init; } = "\n\n";

    /// <summary>How per-step scores are combined. Default <see cref="AggregationStrategy.Last"/>.</summary>
    public AggregationStrategy Aggregation { get; init; } = AggregationStrategy.Last;

    /// <summary>Beam search: drop beams whose text repeats an earlier beam's.</summary>
    public bool FilterDuplicates { get; init; }

    /// <summary>Beam search: return completed beams best first instead of in completion order.</summary>
    public bool SortCompleted { get; init; }

    /// <summary>Seed of every random choice; same seed, same models, same result. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Default of <see cref="RebaseTemperature"/>.</summary>
    public const double DefaultRebaseTemperature = 0.1;

    /// <summary>
    /// REBASE: temperature of the softmax over node scores that shares the remaining budget among the
    /// nodes (null: <see cref="DefaultRebaseTemperature"/>). Lower puts more children under the best nodes.
    /// </summary>
    // The settings added after the golden outputs were recorded are left out of the JSON while unset,
    // so a configuration that does not use them serializes exactly as before.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RebaseTemperature { get; init; }

    /// <summary>
    /// Sampling strategies (majority, best_of_n, weighted_best_of_n): draw the n samples in rounds of this
    /// many and stop as soon as the samples still to come could not change the vote; 0 (default) draws all
    /// n at once. The answer is the one all n samples would give; only compute is saved.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int AdaptiveRound { get; init; }

    /// <summary>
    /// compute_optimal: the policy that maps the probe's difficulty bin and n to a strategy and its settings.
    /// Not a client field: the CLI (--policy) and the host (ttc:policy) fill it from the policy file, so the
    /// durable workflow, which reads no files, gets it inside the job's input.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ComputeOptimalPolicy? Policy { get; init; }

    /// <summary>The REBASE temperature in force.</summary>
    [JsonIgnore]
    public double EffectiveRebaseTemperature => RebaseTemperature ?? DefaultRebaseTemperature;

    /// <summary>Returns one "field: problem" message per invalid setting (empty when valid).</summary>
    public IReadOnlyList<ConfigError> Validate(int maxN = MaxN)
    {
        var errors = new List<ConfigError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new ConfigError(field, message));
            }
        }

        Check(StrategyNames.All.Contains(Strategy), "strategy", $"unknown strategy '{Strategy}'; expected one of {string.Join(", ", StrategyNames.All)}");
        Check(N >= 1, "n", $"must be at least 1 (got {N})");
        Check(N <= maxN, "n", $"must be at most {maxN} (got {N})");
        Check(BeamWidth >= 1, "beamWidth", $"must be at least 1 (got {BeamWidth})");
        Check(NumIterations >= 1, "numIterations", $"must be at least 1 (got {NumIterations})");
        Check(Lookahead >= 0, "lookahead", $"must not be negative (got {Lookahead})");
        Check(double.IsFinite(Temperature) && Temperature >= 0, "temperature", $"must be a finite number >= 0 (got {Temperature})");
        Check(double.IsFinite(TopP) && TopP > 0 && TopP <= 1, "topP", $"must be in (0, 1] (got {TopP})");
        Check(MaxTokens >= 1, "maxTokens", $"must be at least 1 (got {MaxTokens})");
        Check(!string.IsNullOrEmpty(StepSeparator), "stepSeparator", "must not be empty");
        Check(Enum.IsDefined(Aggregation), "aggregation", $"unknown aggregation '{Aggregation}'; expected last, min or prod");
        if (Strategy is StrategyNames.BeamSearch or StrategyNames.Dvts && BeamWidth >= 1 && N >= 1)
        {
            Check(N % BeamWidth == 0, "n", $"must be a multiple of beamWidth for {Strategy} (n = {N}, beamWidth = {BeamWidth})");
        }

        Check(RebaseTemperature is null || (double.IsFinite(RebaseTemperature.Value) && RebaseTemperature > 0), "rebaseTemperature", $"must be a finite number > 0 (got {RebaseTemperature})");
        Check(AdaptiveRound >= 0, "adaptiveRound", $"must not be negative (got {AdaptiveRound})");
        if (Strategy == StrategyNames.ComputeOptimal)
        {
            Check(Policy is not null, "policy", "compute_optimal needs a policy file (ttc --policy FILE, or the host's ttc:policy)");
        }

        if (Policy is not null)
        {
            errors.AddRange(Policy.Validate().Select(e => new ConfigError("policy", e)));
        }

        return errors;
    }

    /// <summary>Throws <see cref="SearchConfigException"/> listing every invalid field.</summary>
    public SearchConfig EnsureValid(int maxN = MaxN)
    {
        var errors = Validate(maxN);
        return errors.Count == 0 ? this : throw new SearchConfigException(errors);
    }
}

/// <summary>One invalid setting.</summary>
/// <param name="Field">The field's name as clients spell it (camelCase).</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record ConfigError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A search configuration that failed validation.</summary>
public sealed class SearchConfigException : ArgumentException
{
    /// <summary>Creates the exception from the validation errors.</summary>
    public SearchConfigException(IReadOnlyList<ConfigError> errors)
        : base("Invalid search configuration: " + string.Join("; ", errors), errors.Count > 0 ? errors[0].Field : null)
    {
        Errors = errors;
    }

    /// <summary>Creates an exception with a message.</summary>
    public SearchConfigException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public SearchConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates an exception without details.</summary>
    public SearchConfigException()
    {
        Errors = [];
    }

    /// <summary>Every invalid field.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
