namespace Vigil.Agent;

/// <summary>A failure the agent explains in one line (bad configuration, refused provisioning, unreachable server) and exits on.</summary>
internal sealed class AgentException : Exception
{
    public AgentException()
    {
    }

    public AgentException(string message)
        : base(message)
    {
    }

    public AgentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AgentException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = AgentExitCodes.Failure;
}
