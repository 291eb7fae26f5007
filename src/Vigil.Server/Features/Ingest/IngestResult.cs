namespace Vigil.Server.Features.Ingest;

/// <summary>What became of a submitted message: spooled (ids), or refused with a reason for the sender.</summary>
internal sealed record IngestResult(IReadOnlyList<Guid> SpoolIds, string? Problem, bool OverQuota = false)
{
    public bool Accepted => Problem is null;

    public static IngestResult Refused(string problem) => new([], problem);

    /// <summary>Refused for now: the owner is over their storage quota (SMTP 452, HTTP 507; a later try may succeed).</summary>
    public static IngestResult QuotaExceeded(string problem) => new([], problem, OverQuota: true);
}
