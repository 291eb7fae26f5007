using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Identity;

/// <summary>Problem <c>type</c> URIs of this feature (same base as <c>Hosting/ProblemTypes</c>).</summary>
internal static class IdentityProblemTypes
{
    private const string Base = ProblemTypes.Base;

    public const string HttpsRequired = Base + "https-required";

    public const string NoAuthorizationPolicy = Base + "no-authorization-policy";
}
