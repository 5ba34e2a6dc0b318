namespace Ttc.Inference;

/// <summary>How a process reward model reads a solution and where its step scores come from.</summary>
public enum PrmConvention
{
    /// <summary>
    /// Qwen2.5-Math-PRM and our tiny PRM: steps joined with a step tag token (<c>&lt;extra_0&gt;</c>),
    /// a 2-class head read at every tag; the score is P(class 1).
    /// </summary>
    StepTagTwoClass,

    /// <summary>
    /// RLHFlow PRMs: each step is a user turn answered by an assistant turn "+"; the score is
    /// P("+") / (P("+") + P("-")) at the position that predicts that "+".
    /// </summary>
    PlusMinusTurns,

    /// <summary>
    /// Math-Shepherd: a tag token (<c>ки</c>) after each step; the score is P("+") / (P("+") + P("-"))
    /// of the LM head at the tag.
    /// </summary>
    PlusMinusTag,
}
