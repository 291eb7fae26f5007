namespace Vigil.Server.Features.Cameras;

/// <summary>The answer of <c>GET /api/cameras/{id}/viewer-url</c>; <c>signedURL</c> is spelt as in the reference design.</summary>
internal sealed record ViewerUrlView(
    [property: System.Text.Json.Serialization.JsonPropertyName("signedURL")] string SignedUrl,
    DateTimeOffset ExpiresAt,
    string ClientId,
    string ChannelName,
    string ChannelArn,
    IReadOnlyList<IceServerView> IceServers);
