namespace Ttc.Orchestrations;

/// <summary>
/// An activity failed because of its input (a missing dataset, a request the model refuses), so
/// running it again cannot help: the workflow's retry policy does not retry it.
/// </summary>
public sealed class PermanentActivityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentActivityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PermanentActivityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public PermanentActivityException()
    {
    }
}
