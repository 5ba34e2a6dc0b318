namespace Ttc.Search;

/// <summary>
/// A node of the search tree: a partial or finished solution. Beams are plain data so that the
/// whole search state serializes to a checkpoint.
/// </summary>
public sealed class Beam
{
    /// <summary>Unique id within its search.</summary>
    public int Id { get; set; }

    /// <summary>The beam this one was expanded from (null for a root).</summary>
    public int? ParentId { get; set; }

    /// <summary>DVTS subtree index (0 for other strategies).</summary>
    public int Subtree { get; set; }

    /// <summary>Generated step texts in order, each with its separator as generated.</summary>
    public List<string> Steps { get; set; } = [];

    /// <summary>The latest PRM scores of this beam's steps.</summary>
    public List<double> Scores { get; set; } = [];

    /// <summary>Greedy continuation generated after the last step and scored with it (lookahead > 0).</summary>
    public string LookaheadText { get; set; } = string.Empty;

    /// <summary>Why the last generation stopped.</summary>
    public StopReason? StopReason { get; set; }

    /// <summary>The solution is finished (end-of-sequence, length, or an empty step).</summary>
    public bool Completed { get; set; }

    /// <summary>Tokens generated for this beam, lookahead included, from the root on.</summary>
    public int GeneratedTokens { get; set; }

    /// <summary>Tokens the PRM read the last time it scored this beam.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int PrmTokens { get; set; }

    /// <summary>The full assistant text so far.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Text => string.Concat(Steps);

    /// <summary>Copies the beam under a new id, as a child of this one.</summary>
    public Beam Branch(int id)
    {
        var child = Clone();
        child.Id = id;
        child.ParentId = Id;
        return child;
    }

    /// <summary>An independent copy with the same id.</summary>
    public Beam Clone() => new()
    {
        Id = Id,
        ParentId = ParentId,
        Subtree = Subtree,
        Steps = [.. Steps],
        Scores = [.. Scores],
        LookaheadText = LookaheadText,
        StopReason = StopReason,
        Completed = Completed,
        GeneratedTokens = GeneratedTokens,
        PrmTokens = PrmTokens,
    };
}
