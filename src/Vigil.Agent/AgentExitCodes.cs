namespace Vigil.Agent;

/// <summary>Exit codes of <c>vigil-agent</c>.</summary>
internal static class AgentExitCodes
{
    public const int Success = 0;

    /// <summary>Configuration, network or server failure: running again later may succeed.</summary>
    public const int Failure = 1;

    /// <summary>The server refused this camera (not in the registry, revoked, already provisioned): running again will not help.</summary>
    public const int Refused = 3;

    /// <summary>Stopped on purpose after a step (<c>VIGIL_AGENT_FAULT</c>, for testing crash recovery).</summary>
    public const int InjectedFault = 75;
}
