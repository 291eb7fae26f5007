namespace Vigil.Server.Features.Credentials;

/// <summary>Who a credential speaks for.</summary>
internal enum PrincipalKind
{
    /// <summary>A person or automation, named by e-mail address (long-term keys, web sessions).</summary>
    User,

    /// <summary>A provisioned camera, named by its thing name (credentials provider).</summary>
    Thing,
}
