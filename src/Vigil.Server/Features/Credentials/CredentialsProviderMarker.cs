namespace Vigil.Server.Features.Credentials;

/// <summary>Endpoint metadata (and log category) of the credentials provider: such endpoints answer only on its listener.</summary>
internal sealed class CredentialsProviderMarker;
