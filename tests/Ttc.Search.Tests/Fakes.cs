namespace Ttc.Search.Tests;

/// <summary>A generator whose every step is decided by a callback; it records what it was asked.</summary>
internal sealed class ScriptedGenerator(Func<StepRequest, int, GeneratedStep> step) : IStepGenerator
{
    public List<IReadOnlyList<StepRequest>> Calls { get; } = [];

    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        Calls.Add(requests);
        return Task.FromResult<IReadOnlyList<GeneratedStep>>(requests.Select(step).ToList());
    }

    /// <summary>A step that stopped at the separator, one token per character.</summary>
    public static GeneratedStep Step(string text) => new(text + "\n\n", StopReason.Separator, 10, text.Length + 1);

    /// <summary>A finished step (end-of-sequence).</summary>
    public static GeneratedStep Final(string text) => new(text, StopReason.EndOfSequence, 10, text.Length + 1);
}

/// <summary>A PRM whose scores come from a callback over the joined steps; it records what it scored.</summary>
internal sealed class ScriptedPrm(Func<ScoreRequest, IReadOnlyList<double>> score) : IProcessRewardModel
{
    public List<IReadOnlyList<ScoreRequest>> Calls { get; } = [];

    public Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        Calls.Add(requests);
        return Task.FromResult<IReadOnlyList<StepScores>>(requests.Select(r => new StepScores(score(r), r.Steps.Sum(s => s.Length))).ToList());
    }

    /// <summary>Scores every step by a lookup on the step's text (default 0.5).</summary>
    public static ScriptedPrm ByStep(IReadOnlyDictionary<string, double> table) =>
        new(r => r.Steps.Select(s => table.TryGetValue(s, out var v) ? v : 0.5).ToList());
}

/// <summary>A generator that samples from the request seed, to test determinism and resumption.</summary>
internal sealed class RandomGenerator : IStepGenerator
{
    public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
    {
        var results = requests.Select(r =>
        {
            // Seeds.Derive, not HashCode.Combine: the same request must give the same text in every process.
            var rng = new Random((int)(Seeds.Derive(r.Sampling.Seed, r.Prefix.Length, 0) & int.MaxValue));
            int depth = r.Prefix.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length;
            if (r.StopSequence is null || depth >= 3 || rng.Next(5) == 0)
            {
                var answer = rng.Next(4);
                return new GeneratedStep($"The answer is \\boxed{{{answer}}}", StopReason.EndOfSequence, r.Prefix.Length, 6);
            }

            return new GeneratedStep($"step {depth}: {rng.Next(3)}\n\n", StopReason.Separator, r.Prefix.Length, 4);
        }).ToList();
        return Task.FromResult<IReadOnlyList<GeneratedStep>>(results);
    }
}

/// <summary>Stable pseudo-scores: the same text scores the same in every process (unlike string.GetHashCode).</summary>
internal static class StableScores
{
    public static double Of(string text)
    {
        ulong h = 14695981039346656037UL; // FNV-1a
        foreach (char c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return (h % 1000) / 1000.0;
    }
}
