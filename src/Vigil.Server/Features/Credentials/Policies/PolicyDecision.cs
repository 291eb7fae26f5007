namespace Vigil.Server.Features.Credentials.Policies;

/// <summary>The outcome of evaluating a request against one or more policies (IAM's three outcomes).</summary>
internal enum PolicyDecision
{
    /// <summary>No statement applies: denied by default.</summary>
    ImplicitDeny,

    /// <summary>An Allow statement applies and no Deny does.</summary>
    Allow,

    /// <summary>A Deny statement applies; it wins over every Allow.</summary>
    ExplicitDeny,
}
