using Ttc.Evaluation;
using Ttc.Search;

namespace Ttc.Orchestrations;

/// <summary>How the workflow runs its activities; part of each job's input, since orchestrators read no configuration.</summary>
/// <param name="MaxBatchSize">Most requests per generation or scoring activity (ttc:maxBatchSize).</param>
/// <param name="MaxAttempts">Attempts of an activity before the step fails (ttc:activityRetry:maxAttempts).</param>
/// <param name="FirstRetrySeconds">Wait before the second attempt; doubles for each further one.</param>
public sealed record WorkflowOptions(int MaxBatchSize = 64, int MaxAttempts = 3, double FirstRetrySeconds = 1);

/// <summary>
/// The input of a solve job. The first execution starts from <see cref="Problem"/> and <see cref="Config"/>;
/// each later one (after ContinueAsNew) carries the search state after the previous step.
/// </summary>
/// <param name="Problem">The problem statement.</param>
/// <param name="Config">The search settings.</param>
/// <param name="Options">How activities run.</param>
/// <param name="State">The search state to continue from (null: start).</param>
public sealed record SolveInput(string Problem, SearchConfig Config, WorkflowOptions Options, SearchState? State = null);

/// <summary>A solve job's custom status after each step.</summary>
/// <param name="Step">Iterations done.</param>
/// <param name="Of">Most iterations.</param>
/// <param name="LiveBeams">Beams still being extended.</param>
/// <param name="Finished">Finished solutions so far.</param>
/// <param name="BestScore">The best aggregated score so far.</param>
/// <param name="GeneratedTokens">Tokens generated so far.</param>
/// <param name="PrmTokens">Tokens the PRM read so far.</param>
public sealed record SolveProgress(int Step, int Of, int LiveBeams, int Finished, double? BestScore, long GeneratedTokens, long PrmTokens)
{
    /// <summary>The progress of <paramref name="state"/>.</summary>
    public static SolveProgress From(SearchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // compute_optimal: the beams are those of the strategy it chose; the step and tokens its own.
        var beams = state.Inner ?? state;
        var scores = beams.Active.Concat(beams.Completed).Concat(beams.Candidates)
            .Select(b => ScoreAggregation.Aggregate(b.Scores, beams.Config.Aggregation)).ToList();
        return new SolveProgress(
            state.Iteration,
            state.Config.NumIterations,
            beams.Active.Count,
            beams.Completed.Count,
            scores.Count == 0 ? null : System.Math.Round(scores.Max(), 4),
            state.Compute.GeneratedTokens,
            state.Compute.PrmTokens);
    }
}

/// <summary>Generation requests for one activity.</summary>
/// <param name="Requests">At most maxBatchSize requests.</param>
public sealed record GenerateInput(IReadOnlyList<StepRequest> Requests);

/// <summary>Their results, in order, and the seconds the model took.</summary>
/// <param name="Results">One per request.</param>
/// <param name="Seconds">Measured by the activity.</param>
public sealed record GenerateOutput(IReadOnlyList<GeneratedStep> Results, double Seconds);

/// <summary>Scoring requests for one activity.</summary>
/// <param name="Requests">At most maxBatchSize requests.</param>
public sealed record ScoreInput(IReadOnlyList<ScoreRequest> Requests);

/// <summary>Their scores, in order, and the seconds the model took.</summary>
/// <param name="Results">One per request.</param>
/// <param name="Seconds">Measured by the activity.</param>
public sealed record ScoreOutput(IReadOnlyList<StepScores> Results, double Seconds);

/// <summary>The tree of a solve job after a step.</summary>
/// <param name="InstanceId">The job.</param>
/// <param name="State">The search state after the step (its iteration names the blob).</param>
public sealed record SaveTreeInput(string InstanceId, SearchState State);

/// <summary>The input of a batch run.</summary>
/// <param name="Dataset">Blob name of the JSONL dataset in the datasets container.</param>
/// <param name="Config">Search settings for every problem.</param>
/// <param name="Limit">Problems to take from the start (all when null).</param>
/// <param name="MaxConcurrentSolves">Solve sub-orchestrations in flight at once (ttc:maxConcurrentSolves).</param>
/// <param name="Options">How the solves run their activities.</param>
/// <param name="Generator">The generator's name in results.jsonl and the summary (the served model's folder name).</param>
public sealed record BatchInput(string Dataset, SearchConfig Config, int? Limit, int MaxConcurrentSolves, WorkflowOptions Options, string Generator = "generator");

/// <summary>What to read for a batch.</summary>
/// <param name="Dataset">Blob name in the datasets container.</param>
/// <param name="Limit">Problems to take from the start (all when null).</param>
public sealed record ReadDatasetInput(string Dataset, int? Limit);

/// <summary>A batch's problems, and the lines that could not be read.</summary>
/// <param name="Problems">The problems, in file order.</param>
/// <param name="Skipped">Malformed lines.</param>
public sealed record DatasetContent(IReadOnlyList<EvalProblem> Problems, IReadOnlyList<SkippedLine> Skipped);

/// <summary>How one problem of a batch ended.</summary>
/// <param name="Result">The search result, when the solve completed.</param>
/// <param name="Failure">Why it did not, otherwise.</param>
public sealed record ProblemOutcome(SearchResult? Result, string? Failure);

/// <summary>Everything needed to write a batch's results.</summary>
/// <param name="BatchId">The batch instance id.</param>
/// <param name="Input">The batch input.</param>
/// <param name="Dataset">The problems read.</param>
/// <param name="Outcomes">One per problem, in order.</param>
public sealed record BatchResultsInput(string BatchId, BatchInput Input, DatasetContent Dataset, IReadOnlyList<ProblemOutcome> Outcomes);

/// <summary>A batch run's custom status.</summary>
/// <param name="Problems">Problems in the batch.</param>
/// <param name="Finished">Solves finished.</param>
/// <param name="Completed">Solves completed.</param>
/// <param name="Failed">Solves failed.</param>
/// <param name="Running">Solves in flight.</param>
public sealed record BatchProgress(int Problems, int Finished, int Completed, int Failed, int Running);
