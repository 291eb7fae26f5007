namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Issues temporary credentials for a device through a role alias. The credentials provider
/// endpoint depends on this seam only; the implementation is Signaling's temporary-credential
/// service (<c>TemporaryCredentialIssuer</c> with <c>CredentialPrincipal.Thing</c>), wired in when it is
/// in the same tree. Without it, <c>vigil serve</c> answers the endpoint with 503.
/// </summary>
internal interface IDeviceCredentialsIssuer
{
    DeviceCredentials Issue(DeviceCredentialsRequest request);
}
