namespace Vigil.Contracts.Agent;

/// <summary>Where the credentials provider listens and which role alias a camera asks for.</summary>
public sealed record CredentialsProviderEndpoint
{
    /// <summary>Base URL, e.g. <c>https://vigil.lan:8444</c>; the camera requests <c>/role-aliases/{alias}/credentials</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>The role alias cameras use, e.g. <c>VigilCameraRoleAlias</c>.</summary>
    public required string RoleAlias { get; init; }
}
