namespace Vigil.Server.Features.Integrations;

/// <summary>Which subscribers a message of the server's is for, in cluster mode (one node: the same).</summary>
internal enum IntegrationReach
{
    /// <summary>This node's: every node publishes the same message itself (availability, discovery).</summary>
    Node,

    /// <summary>Every node's: only this node makes it (what one snapshot caused).</summary>
    Cluster,
}
