namespace Vigil.Server.Hosting;

/// <summary>
/// A problem an operator must fix before Vigil can run (bad configuration, unusable data
/// directory, port in use, database unreachable). The message is one line, names the setting
/// or path at fault, and is printed without a stack trace.
/// </summary>
internal sealed class StartupException : OperatorException
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StartupException()
    {
    }
}
