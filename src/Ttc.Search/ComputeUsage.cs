namespace Ttc.Search;

/// <summary>
/// What a search spent. Token, call and sequence counts are exact and the same wherever the
/// inference ran; the seconds are what the inference runner measured (a search's share of a
/// batch it shared with others).
/// </summary>
public sealed class ComputeUsage
{
    /// <summary>Tokens the generator produced (lookahead included).</summary>
    public long GeneratedTokens { get; set; }

    /// <summary>Prompt tokens the generator was given (before any prefix-cache reuse).</summary>
    public long PromptTokens { get; set; }

    /// <summary>Tokens the PRM read.</summary>
    public long PrmTokens { get; set; }

    /// <summary>Generation phases that asked the generator (each one batched call).</summary>
    public int GeneratorCalls { get; set; }

    /// <summary>Score phases that asked the PRM (each one batched call).</summary>
    public int PrmCalls { get; set; }

    /// <summary>Sequences generated (one per request of every call).</summary>
    public long GeneratedSequences { get; set; }

    /// <summary>Solutions scored by the PRM.</summary>
    public long ScoredSequences { get; set; }

    /// <summary>Steps the PRM left unscored because their solution did not fit its context (see <see cref="StepScores.TruncatedSteps"/>).</summary>
    public long PrmTruncatedSteps { get; set; }

    /// <summary>Seconds spent waiting for the generator.</summary>
    public double GenerationSeconds { get; set; }

    /// <summary>Seconds spent waiting for the PRM.</summary>
    public double ScoringSeconds { get; set; }

    /// <summary>Adds another usage to this one (for totals over problems).</summary>
    public void Add(ComputeUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        GeneratedTokens += other.GeneratedTokens;
        PromptTokens += other.PromptTokens;
        PrmTokens += other.PrmTokens;
        GeneratorCalls += other.GeneratorCalls;
        PrmCalls += other.PrmCalls;
        GeneratedSequences += other.GeneratedSequences;
        ScoredSequences += other.ScoredSequences;
        PrmTruncatedSteps += other.PrmTruncatedSteps;
        GenerationSeconds += other.GenerationSeconds;
        ScoringSeconds += other.ScoringSeconds;
    }

    /// <summary>Counts one generation phase of <paramref name="requests"/> requests (nothing when there were none).</summary>
    public void CountGeneration(int requests, IReadOnlyList<GeneratedStep> results, double seconds)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (requests == 0)
        {
            return;
        }

        GeneratorCalls++;
        GeneratedSequences += requests;
        GenerationSeconds += seconds;
        foreach (var r in results)
        {
            GeneratedTokens += r.GeneratedTokens;
            PromptTokens += r.PromptTokens;
        }
    }

    /// <summary>Counts one score phase of <paramref name="requests"/> requests (nothing when there were none).</summary>
    public void CountScoring(int requests, IReadOnlyList<StepScores> results, double seconds)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (requests == 0)
        {
            return;
        }

        PrmCalls++;
        ScoredSequences += requests;
        ScoringSeconds += seconds;
        foreach (var r in results)
        {
            PrmTokens += r.Tokens;
            PrmTruncatedSteps += r.TruncatedSteps;
        }
    }

    /// <summary>A copy of the counts.</summary>
    public ComputeUsage Clone() => (ComputeUsage)MemberwiseClone();
}
