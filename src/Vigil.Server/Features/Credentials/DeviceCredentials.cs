namespace Vigil.Server.Features.Credentials;

/// <summary>Issued temporary credentials; <see cref="ToString"/> never shows the secret or the token.</summary>
internal sealed record DeviceCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration)
{
    public override string ToString() => $"DeviceCredentials {{ AccessKeyId = {AccessKeyId}, Expiration = {Expiration:O} }}";
}
