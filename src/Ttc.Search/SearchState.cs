namespace Ttc.Search;

/// <summary>
/// Everything a search needs to continue: the checkpoint. Strategies advance it one step at a
/// time; all randomness is derived from <see cref="SearchConfig.Seed"/> and the iteration, so a
/// state restored from storage continues exactly as an uninterrupted run would.
/// </summary>
public sealed class SearchState
{
    /// <summary>Version of this shape; checkpoints of another version are refused.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of the serialized form.</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The problem statement.</summary>
    public string Problem { get; set; } = string.Empty;

    /// <summary>The settings (strategy included).</summary>
    public SearchConfig Config { get; set; } = new();

    /// <summary>Iterations done so far.</summary>
    public int Iteration { get; set; }

    /// <summary>Next free beam id.</summary>
    public int NextBeamId { get; set; }

    /// <summary>Beams still being extended (beam search) or live subtrees (DVTS).</summary>
    public List<Beam> Active { get; set; } = [];

    /// <summary>Finished solutions, in the order they finished (DVTS: the candidate completions).</summary>
    public List<Beam> Completed { get; set; } = [];

    /// <summary>DVTS: per subtree, the candidates of its last iteration (the M siblings it outputs).</summary>
    public List<Beam> Candidates { get; set; } = [];

    /// <summary>No step remains.</summary>
    public bool Finished { get; set; }

    /// <summary>Compute spent so far.</summary>
    public ComputeUsage Compute { get; set; } = new();

    /// <summary>Allocates a beam id.</summary>
    public int TakeId() => NextBeamId++;
}
