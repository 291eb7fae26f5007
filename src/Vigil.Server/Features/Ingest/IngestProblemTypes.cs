using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Ingest;

/// <summary>Problem <c>type</c> URIs of the ingest endpoints (same base as <see cref="Hosting.ProblemTypes"/>).</summary>
internal static class IngestProblemTypes
{
    private const string Base = ProblemTypes.Base;

    public const string NoPicture = Base + "no-picture";
    public const string BadRequest = Base + "bad-ingest-request";
    public const string TooLarge = Base + "too-large";
    public const string RateLimited = Base + "rate-limited";
    public const string UnknownCamera = Base + "unknown-camera";
    public const string Unauthorized = Base + "unauthorized";
    public const string OverQuota = Base + "over-quota";
}
