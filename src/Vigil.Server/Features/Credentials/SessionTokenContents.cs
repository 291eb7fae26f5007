using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// What a session token carries, encrypted and authenticated by Data Protection: everything needed to
/// verify a request signed with the temporary credentials, so that verification reads no database.
/// Short member names keep the token small (the KVS C SDK copies it into fixed-size buffers).
/// </summary>
internal sealed record SessionTokenContents(
    [property: JsonPropertyName("v")] int FormatVersion,
    [property: JsonPropertyName("k")] string AccessKeyId,
    [property: JsonPropertyName("s")] string SecretAccessKey,
    [property: JsonPropertyName("pk")] PrincipalKind PrincipalKind,
    [property: JsonPropertyName("pn")] string PrincipalName,
    [property: JsonPropertyName("pv")] Dictionary<string, string> Variables,
    [property: JsonPropertyName("p")] string Policy,
    [property: JsonPropertyName("sp")] string? SessionPolicy,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("exp")] long ExpiresAt)
{
    public const int CurrentFormat = 1;
}
