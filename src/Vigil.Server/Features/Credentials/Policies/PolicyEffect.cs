namespace Vigil.Server.Features.Credentials.Policies;

internal enum PolicyEffect
{
    Allow,
    Deny,
}
