namespace Ttc.Cli;

/// <summary>Process exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Everything was processed.</summary>
    public const int Ok = 0;

    /// <summary>The command could not run (missing file, bad model, bad option value).</summary>
    public const int Error = 1;

    /// <summary>The command line itself was malformed.</summary>
    public const int Usage = 2;

    /// <summary>The command ran, but some input was skipped: malformed lines, or problems that do not fit the models' context.</summary>
    public const int SkippedInput = 3;
}
