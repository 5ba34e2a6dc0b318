using Ttc.Search;

namespace Ttc.Evaluation.Tests;

/// <summary>
/// A generator that answers from the request's seed (so sample j is the same in every run), with a
/// step or two first; it counts the sequences it was asked for.
/// </summary>
internal sealed class SeededGenerator : IStepGenerator
{
    public int Sequences { get; private set; }

    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        Sequences += requests.Count;
        var results = requests.Select(r =>
        {
            var rng = new Random((int)(Seeds.Derive(r.Sampling.Seed, r.Prefix.Length, 0) & int.MaxValue));
            int depth = r.Prefix.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length;
            if (r.StopSequence is null || depth >= 2 || rng.Next(3) == 0)
            {
                // Right (12) about half the time.
                int answer = rng.Next(2) == 0 ? 12 : 10 + rng.Next(2);
                return new GeneratedStep($"So $\\boxed{{{answer}}}$.", StopReason.EndOfSequence, 5, 4 + rng.Next(4));
            }

            return new GeneratedStep($"step {depth}: {rng.Next(3)}\n\n", StopReason.Separator, 5, 3);
        }).ToList();
        return Task.FromResult<IReadOnlyList<GeneratedStep>>(results);
    }
}

/// <summary>A PRM that likes the right answer (12) a little more than the others; stable per text.</summary>
internal sealed class LeaningPrm : IProcessRewardModel
{
    public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StepScores>>(requests.Select(r => new StepScores(
            r.Steps.Select(s => System.Math.Clamp(Stable(s) + (s.Contains("{12}", StringComparison.Ordinal) ? 0.3 : 0), 0, 0.99)).ToList(),
            r.Steps.Sum(s => s.Length))).ToList());

    private static double Stable(string text)
    {
        ulong h = 14695981039346656037UL; // FNV-1a: the same in every process
        foreach (char c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return (h % 600) / 1000.0;
    }
}
