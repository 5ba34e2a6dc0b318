namespace Ttc.Math;

/// <summary>How a percent sign is read when answers are compared.</summary>
public enum PercentMode
{
    /// <summary>
    /// Math-Verify's rule (the default): <c>28\%</c> is the number 0.28, so it equals <c>0.28</c> and
    /// <c>28/100</c> but not <c>28</c>; a gold <c>0.28</c> does not accept <c>28</c>.
    /// </summary>
    Strict,

    /// <summary>
    /// The MATH grading convention: percent signs are dropped and a number also matches its value
    /// times or divided by 100, so <c>28\%</c>, <c>28</c> and <c>0.28</c> all agree.
    /// </summary>
    Lenient,
}

/// <summary>Conventions for comparing answers where graders differ. The defaults follow Math-Verify.</summary>
public sealed record GradingOptions
{
    /// <summary>The options every overload without options uses.</summary>
    public static GradingOptions Default { get; } = new();

    /// <summary>How percentages compare; <see cref="PercentMode.Strict"/> by default.</summary>
    public PercentMode Percent { get; init; } = PercentMode.Strict;
}
