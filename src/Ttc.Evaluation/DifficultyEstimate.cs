namespace Ttc.Evaluation;

/// <summary>Where a problem's difficulty comes from.</summary>
public enum DifficultyMethod
{
    /// <summary>The dataset's level when every problem has one, else <see cref="Oracle"/>.</summary>
    Auto,

    /// <summary>The dataset's level field.</summary>
    Level,

    /// <summary>Quintiles of pass@1 over the pool's samples (needs the gold answers).</summary>
    Oracle,

    /// <summary>Quintiles of the mean PRM score of the first probe samples (needs no answers: what compute_optimal sees).</summary>
    Predicted,
}

/// <summary>
/// Difficulty bins as in the study (Snell et al. 2024): the dataset's level, or five bins of equal size
/// by pass@1 (oracle) or by the mean PRM score of a few samples (predicted), bin 1 the easiest. Bins are
/// per generator, over the problems of the run, from the pool lines (all seeds averaged).
/// </summary>
public static class DifficultyEstimate
{
    /// <summary>Bins of the quantile methods.</summary>
    public const int Bins = 5;

    /// <summary>The method <see cref="DifficultyMethod.Auto"/> stands for on <paramref name="problems"/>.</summary>
    public static DifficultyMethod Resolve(DifficultyMethod method, IReadOnlyList<EvalProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return method != DifficultyMethod.Auto ? method
            : problems.Count > 0 && problems.All(p => p.Level is not null) ? DifficultyMethod.Level : DifficultyMethod.Oracle;
    }

    /// <summary><paramref name="lines"/> with <see cref="EvalLine.Difficulty"/> set (null where it cannot be told).</summary>
    public static IReadOnlyList<EvalLine> Assign(IReadOnlyList<EvalLine> lines, DifficultyMethod method)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (method is DifficultyMethod.Level or DifficultyMethod.Auto)
        {
            return lines.Select(l => l with { Difficulty = l.Level }).ToList();
        }

        var bins = new Dictionary<(string, string), int>();
        foreach (var generator in lines.GroupBy(l => l.Generator))
        {
            // One value per problem: the pool lines at each seed's largest n (the full pool, the full probe).
            var values = generator
                .Where(l => l.Subsampled && l.Skipped is null && l.AdaptiveRound == 0)
                .GroupBy(l => (l.Seed, l.UniqueId))
                .Select(g => g.OrderBy(l => l.N).Last())
                .Select(l => (l.UniqueId, Value: method == DifficultyMethod.Oracle ? l.PassAt1 : l.ProbeScore))
                .Where(x => x.Value is not null)
                .GroupBy(x => x.UniqueId)
                .Select(g => (Id: g.Key, Value: g.Average(x => x.Value!.Value)))
                .ToList();
            foreach (var (id, bin) in Quantiles(values))
            {
                bins[(generator.Key, id)] = bin;
            }
        }

        return lines.Select(l => l with { Difficulty = bins.TryGetValue((l.Generator, l.UniqueId), out var b) ? b : null }).ToList();
    }

    /// <summary>
    /// <see cref="Bins"/> bins of (nearly) equal size, bin 1 holding the highest values (the easiest
    /// problems); equal values are ordered by id so the bins do not depend on the order of the lines.
    /// </summary>
    public static IEnumerable<(string Id, int Bin)> Quantiles(IReadOnlyList<(string Id, double Value)> values, int bins = Bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ranked = values.OrderByDescending(v => v.Value).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
        return ranked.Select((v, rank) => (v.Id, 1 + (rank * bins / ranked.Count)));
    }
}
