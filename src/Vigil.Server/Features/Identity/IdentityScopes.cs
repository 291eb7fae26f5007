namespace Vigil.Server.Features.Identity;

/// <summary>The OAuth scope that grants access to Vigil's API, and the audience it puts in access tokens.</summary>
internal static class IdentityScopes
{
    public const string Api = "api";
    public const string ApiAudience = "vigil-api";
    public const string WebClientId = "vigil-web";
}
