using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Features.Signaling;

/// <summary>The KVS exceptions and their HTTP status codes, as in the kinesisvideo and kinesis-video-signaling models.</summary>
internal static class KvsErrors
{
    public static KvsResult InvalidArgument(string message) => KvsResult.Error(400, "InvalidArgumentException", message);

    public static KvsResult ClientLimitExceeded(string message) => KvsResult.Error(400, "ClientLimitExceededException", message);

    public static KvsResult AccountChannelLimitExceeded(int limit) =>
        KvsResult.Error(400, "AccountChannelLimitExceededException", $"This server already holds its limit of {limit} signaling channels (Signaling:MaxChannels).");

    public static KvsResult ResourceInUse(string message) => KvsResult.Error(400, "ResourceInUseException", message);

    public static KvsResult VersionMismatch() =>
        KvsResult.Error(400, "VersionMismatchException", "The version of the signaling channel does not match CurrentVersion; describe it again for the current version.");

    public static KvsResult TagsPerResourceExceeded() =>
        KvsResult.Error(400, "TagsPerResourceExceededLimitException", $"A signaling channel can have at most {ChannelRules.MaxTags} tags.");

    /// <summary>The message text the KVS surveillance web client shows verbatim for a missing channel.</summary>
    public static KvsResult ResourceNotFound() =>
        KvsResult.Error(404, "ResourceNotFoundException", "The requested channel is not found or not active.");

    /// <summary>Control plane: AccessDeniedException is 401 in the kinesisvideo model.</summary>
    public static KvsResult AccessDenied(CallerIdentity caller, string action, string resource) =>
        KvsResult.Error(401, "AccessDeniedException", Denial(caller, action, resource));

    /// <summary>Signaling HTTPS APIs: NotAuthorizedException (401).</summary>
    public static KvsResult NotAuthorized(CallerIdentity caller, string action, string resource) =>
        KvsResult.Error(401, "NotAuthorizedException", Denial(caller, action, resource));

    /// <summary>A temporary refusal (the server is stopping): AWS's generic 503, which the SDKs retry.</summary>
    public static KvsResult ServiceUnavailable(string message) => KvsResult.Error(503, "ServiceUnavailable", message);

    public static KvsResult InternalFailure() =>
        KvsResult.Error(500, "InternalFailure", "The request processing has failed because of an unknown error; the request id identifies it in the server log.");

    private static string Denial(CallerIdentity caller, string action, string resource) =>
        $"User: {caller.Principal} is not authorized to perform: {action} on resource: {resource}";
}
