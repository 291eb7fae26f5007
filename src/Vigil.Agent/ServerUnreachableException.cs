namespace Vigil.Agent;

/// <summary>The server could not be reached at all (refused, no route, timed out), as opposed to reached and refusing.</summary>
internal sealed class ServerUnreachableException(string message) : Exception(message);
