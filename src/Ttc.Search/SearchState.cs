using System.Text.Json.Serialization;

namespace Ttc.Search;

/// <summary>
/// Everything a search needs to continue: the checkpoint. Strategies never change a state: their
/// <see cref="SearchStrategy.Apply"/> returns a new one. All randomness is derived from
/// <see cref="SearchConfig.Seed"/> and the iteration, so a state restored from storage continues
/// exactly as an uninterrupted run would, whichever process runs the inference.
/// </summary>
public sealed class SearchState
{
    /// <summary>Version of this shape; checkpoints of another version are refused.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Schema version of the serialized form.</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The problem statement.</summary>
    public string Problem { get; set; } = string.Empty;

    /// <summary>The settings (strategy included).</summary>
    public SearchConfig Config { get; set; } = new();

    /// <summary>Iterations done so far.</summary>
    public int Iteration { get; set; }

    /// <summary>What the search needs next.</summary>
    public SearchPhase Phase { get; set; }

    /// <summary>Next free beam id.</summary>
    public int NextBeamId { get; set; }

    /// <summary>Beams still being extended (beam search) or live subtrees (DVTS).</summary>
    public List<Beam> Active { get; set; } = [];

    /// <summary>The candidates of the iteration under way, between generation and scoring.</summary>
    public List<Beam> Pending { get; set; } = [];

    /// <summary>Indices into <see cref="Pending"/> whose lookahead continues in the next round.</summary>
    public List<int> LookaheadOpen { get; set; } = [];

    /// <summary>Lookahead rounds done in the iteration under way.</summary>
    public int LookaheadRound { get; set; }

    /// <summary>Finished solutions, in the order they finished (DVTS: the candidate completions).</summary>
    public List<Beam> Completed { get; set; } = [];

    /// <summary>DVTS: per subtree, the candidates of its last iteration (the M siblings it outputs).</summary>
    public List<Beam> Candidates { get; set; } = [];

    /// <summary>Compute spent so far.</summary>
    public ComputeUsage Compute { get; set; } = new();

    /// <summary>compute_optimal: the state of the strategy it chose, once the probe has decided (null before, and for other strategies).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SearchState? Inner { get; set; }

    /// <summary>compute_optimal: what the probe decided.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ComputeOptimalChoice? Choice { get; set; }

    /// <summary>No phase remains.</summary>
    [JsonIgnore]
    public bool Finished => Phase == SearchPhase.Done;

    /// <summary>Allocates a beam id.</summary>
    public int TakeId() => NextBeamId++;

    /// <summary>A deep copy: changing it leaves this state as it was (a checkpoint may still be serializing it).</summary>
    public SearchState Clone() => new()
    {
        SchemaVersion = SchemaVersion,
        Problem = Problem,
        Config = Config,
        Iteration = Iteration,
        Phase = Phase,
        NextBeamId = NextBeamId,
        Active = Active.ConvertAll(b => b.Clone()),
        Pending = Pending.ConvertAll(b => b.Clone()),
        LookaheadOpen = [.. LookaheadOpen],
        LookaheadRound = LookaheadRound,
        Completed = Completed.ConvertAll(b => b.Clone()),
        Candidates = Candidates.ConvertAll(b => b.Clone()),
        Compute = Compute.Clone(),
        Inner = Inner?.Clone(),
        Choice = Choice,
    };
}
