namespace Ttc.Search;

/// <summary>What a search spent. Token and call counts are exact; times are wall-clock per phase.</summary>
public sealed class ComputeUsage
{
    /// <summary>Tokens the generator produced (lookahead included).</summary>
    public long GeneratedTokens { get; set; }

    /// <summary>Prompt tokens the generator was given (before any prefix-cache reuse).</summary>
    public long PromptTokens { get; set; }

    /// <summary>Tokens the PRM read.</summary>
    public long PrmTokens { get; set; }

    /// <summary>Batched generator calls.</summary>
    public int GeneratorCalls { get; set; }

    /// <summary>Batched PRM calls.</summary>
    public int PrmCalls { get; set; }

    /// <summary>Sequences generated (one per request of every call).</summary>
    public long GeneratedSequences { get; set; }

    /// <summary>Solutions scored by the PRM.</summary>
    public long ScoredSequences { get; set; }

    /// <summary>Seconds spent waiting for the generator.</summary>
    public double GenerationSeconds { get; set; }

    /// <summary>Seconds spent waiting for the PRM.</summary>
    public double ScoringSeconds { get; set; }

    /// <summary>Seconds spent selecting, pruning and bookkeeping.</summary>
    public double SelectionSeconds { get; set; }

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
        GenerationSeconds += other.GenerationSeconds;
        ScoringSeconds += other.ScoringSeconds;
        SelectionSeconds += other.SelectionSeconds;
    }

    /// <summary>A copy of the counts.</summary>
    public ComputeUsage Clone() => (ComputeUsage)MemberwiseClone();
}
