namespace Ttc.Search;

/// <summary>Why a generation call stopped.</summary>
public enum StopReason
{
    /// <summary>The step separator was produced (it is kept at the end of the text).</summary>
    Separator,

    /// <summary>The model emitted end-of-sequence: the solution is finished.</summary>
    EndOfSequence,

    /// <summary>The token limit was reached.</summary>
    Length,
}

/// <summary>Sampling settings of one generation call.</summary>
/// <param name="Temperature">0 means greedy.</param>
/// <param name="TopP">Nucleus mass.</param>
/// <param name="MaxTokens">Most tokens to generate.</param>
/// <param name="Seed">Seed of this call's sampler: the same request and seed give the same text.</param>
public readonly record struct Sampling(double Temperature, double TopP, int MaxTokens, long Seed);

/// <summary>One prefix to continue by one step (or to the end).</summary>
/// <param name="Problem">The problem statement (the user turn).</param>
/// <param name="Prefix">Assistant text so far; empty starts a new assistant turn.</param>
/// <param name="StopSequence">Stop after this text (kept in the output); null generates to the end.</param>
/// <param name="Sampling">Sampling settings.</param>
public sealed record StepRequest(string Problem, string Prefix, string? StopSequence, Sampling Sampling);

/// <summary>What one generation call produced.</summary>
/// <param name="Text">New text, including the stop sequence when it stopped there.</param>
/// <param name="StopReason">Why it stopped.</param>
/// <param name="PromptTokens">Tokens of the prompt (the whole conversation so far).</param>
/// <param name="GeneratedTokens">Tokens generated.</param>
public sealed record GeneratedStep(string Text, StopReason StopReason, int PromptTokens, int GeneratedTokens);

/// <summary>Samples next steps for a batch of prefixes. One search step is one call.</summary>
public interface IStepGenerator
{
    /// <summary>Continues every request; the result has one entry per request, in order.</summary>
    Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default);
}

/// <summary>A solution to score, split into its steps.</summary>
/// <param name="Problem">The problem statement.</param>
/// <param name="Steps">The steps, without separators.</param>
public sealed record ScoreRequest(string Problem, IReadOnlyList<string> Steps);

/// <summary>One score per step, in [0, 1] (probability that the step is correct).</summary>
/// <param name="Scores">Per-step scores, for the first steps when the PRM could not read them all.</param>
/// <param name="Tokens">Tokens the PRM read to produce them.</param>
/// <param name="TruncatedSteps">Last steps left unscored because the input did not fit the PRM's context.</param>
public sealed record StepScores(IReadOnlyList<double> Scores, int Tokens, int TruncatedSteps = 0);

/// <summary>A process reward model. One search step's scoring is one call.</summary>
public interface IProcessRewardModel
{
    /// <summary>Scores every request; the result has one entry per request, in order.</summary>
    Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default);
}
