using Vigil.Server.Features.Credentials.Policies;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Who signed a request (after SigV4 verification): the principal, the key it used, and the policies that
/// decide what it may do — the principal's policy, narrowed by the session policy of temporary credentials.
/// </summary>
internal sealed class CallerIdentity(
    CredentialPrincipal principal,
    string accessKeyId,
    AccessPolicy policy,
    AccessPolicy? sessionPolicy,
    DateTimeOffset? expiration,
    bool isAdministrator = false)
{
    public CredentialPrincipal Principal { get; } = principal;

    public string AccessKeyId { get; } = accessKeyId;

    public AccessPolicy Policy { get; } = policy;

    public AccessPolicy? SessionPolicy { get; } = sessionPolicy;

    /// <summary>When temporary credentials expire; null for a long-term key.</summary>
    public DateTimeOffset? Expiration { get; } = expiration;

    public bool IsTemporary => Expiration is not null;

    /// <summary>A long-term key of an account with the admin role (read with the key, on every request). Temporary credentials never are.</summary>
    public bool IsAdministrator { get; } = isAdministrator;

    /// <summary>The decision for <paramref name="action"/> (e.g. <c>kinesisvideo:ConnectAsViewer</c>) on <paramref name="resource"/> (an ARN, or <c>*</c>).</summary>
    public PolicyDecision Authorize(string action, string resource) =>
        AccessPolicy.Evaluate(Policy, SessionPolicy, action, resource, Principal.Variables);

    public bool IsAllowed(string action, string resource) => Authorize(action, resource) == PolicyDecision.Allow;

    public override string ToString() => $"{Principal} ({AccessKeyId})";
}
