namespace Vigil.Server.Features.Cameras;

/// <summary>The answer of <c>POST /api/cameras/{id}/viewer-credentials</c>: what the KVS WebRTC JS SDK and AWS SDK v3 take as they are.</summary>
internal sealed record ViewerCredentialsView(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string Region,
    string ChannelName,
    string ChannelArn);
