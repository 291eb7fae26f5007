namespace Vigil.Server.Hosting;

/// <summary>
/// An expected failure an operator can fix from the message alone: the message is one line and
/// is printed as is (no stack trace) by the command line, and as a problem detail by the API.
/// </summary>
internal class OperatorException : Exception
{
    public OperatorException(string message)
        : base(message)
    {
    }

    public OperatorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OperatorException()
    {
    }
}
