using Ttc.Math;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>
/// One search configuration run over the problems, and the grid cells its results fill. A direct unit
/// fills its own cell. A sample pool (<see cref="Pool"/>) runs n independent samples once, at the largest
/// n of the grid, and fills every cell of the sampling strategies (majority, Best-of-N, weighted) at every
/// n from its first n samples, in order, as the study does: sample j has the same seed whatever n is, so
/// the first n samples are exactly what a run at n would draw.
/// </summary>
/// <param name="Generator">The generator's name.</param>
/// <param name="Config">What is run.</param>
/// <param name="Cells">The cells the result fills (for a direct unit, <paramref name="Config"/> alone).</param>
/// <param name="Pool">Whether the cells are subsampled from a pool of samples.</param>
/// <param name="ProbeSamples">Pool: samples whose mean score is the predicted difficulty (compute_optimal's probe).</param>
public sealed record EvalUnit(string Generator, SearchConfig Config, IReadOnlyList<SearchConfig> Cells, bool Pool = false, int ProbeSamples = 4)
{
    /// <summary>A unit that runs <paramref name="config"/> for its own cell.</summary>
    public static EvalUnit Direct(string generator, SearchConfig config) => new(generator, config, [config]);

    /// <summary>Whether the run calls the PRM.</summary>
    public bool UsesPrm => StrategyNames.UsesPrm(Config.Strategy);

    /// <summary>"small beam_search n=16 seed=0".</summary>
    public override string ToString() => Pool
        ? $"{Generator} samples n={Config.N} seed={Config.Seed} ({string.Join(", ", Cells.Select(c => c.Strategy).Distinct())} at every n)"
        : $"{Generator} {Config.Strategy} n={Config.N} seed={Config.Seed}";

    /// <summary>The results.jsonl keys of <paramref name="problem"/> in this unit's cells.</summary>
    public IEnumerable<string> Keys(EvalProblem problem) => Cells.Select(c => EvalLine.For(Generator, c, problem).Key);

    /// <summary>Lines for a problem that was not run, with the reason.</summary>
    public IReadOnlyList<EvalLine> SkippedLines(EvalProblem problem, string reason) =>
        Cells.Select(c => EvalLine.For(Generator, c, problem) with { Skipped = reason }).ToList();

    /// <summary>The lines of <paramref name="problem"/> solved as <paramref name="result"/>.</summary>
    public IReadOnlyList<EvalLine> Lines(EvalProblem problem, SearchResult result, EvalCosts costs)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(costs);
        if (!Pool)
        {
            var c = result.Compute;
            return
            [
                EvalLine.For(Generator, Config, problem) with
                {
                    Answer = result.Answer,
                    Correct = IsRight(result.Answer, problem),
                    GeneratedTokens = c.GeneratedTokens,
                    PrmTokens = c.PrmTokens,
                    Flops = costs.Flops(c.GeneratedTokens, c.PrmTokens),
                    Seconds = System.Math.Round(c.GenerationSeconds + c.ScoringSeconds, 4),
                    ProbeScore = result.Choice?.ProbeScore,
                    Choice = result.Choice,
                },
            ];
        }

        var samples = result.Completions;
        var answers = new AnswerSelection(samples.Select(s => s.Answer).ToList());
        var scores = samples.Select(s => s.AggregatedScore ?? 0).ToList();
        double passAt1 = samples.Count == 0 ? 0 : samples.Count(s => IsRight(s.Answer, problem)) / (double)samples.Count;
        double seconds = result.Compute.GenerationSeconds + result.Compute.ScoringSeconds;
        var lines = new List<EvalLine>();
        foreach (var cell in Cells)
        {
            int k = System.Math.Min(cell.N, samples.Count);
            int pick = PoolSelection.Pick(cell.Strategy, answers, scores, k);
            int used = cell.AdaptiveRound > 0 ? PoolSelection.StopAt(cell.Strategy, answers, scores, k, cell.AdaptiveRound) : k;
            bool scored = cell.Strategy != StrategyNames.Majority;
            long generated = samples.Take(used).Sum(s => (long)s.GeneratedTokens);
            long prm = scored ? samples.Take(used).Sum(s => (long)s.PrmTokens) : 0;
            string? answer = pick >= 0 ? samples[pick].Answer : null;
            lines.Add(EvalLine.For(Generator, cell, problem) with
            {
                Answer = answer,
                Correct = IsRight(answer, problem),
                GeneratedTokens = generated,
                PrmTokens = prm,
                Flops = costs.Flops(generated, prm),
                Seconds = samples.Count == 0 ? 0 : System.Math.Round(seconds * used / samples.Count, 4),
                Subsampled = true,
                PassAt1 = System.Math.Round(passAt1, 4),
                ProbeScore = scored && k > 0 ? System.Math.Round(scores.Take(System.Math.Min(k, ProbeSamples)).Average(), 6) : null,
            });
        }

        return lines;
    }

    private static bool IsRight(string? answer, EvalProblem problem) => answer is not null && MathEquivalence.AreEquivalent(answer, problem.Answer);
}
