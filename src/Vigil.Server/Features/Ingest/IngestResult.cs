namespace Vigil.Server.Features.Ingest;

/// <summary>What became of a submitted message: spooled (ids), or refused with a reason for the sender.</summary>
internal sealed record IngestResult(IReadOnlyList<Guid> SpoolIds, string? Problem)
{
    public bool Accepted => Problem is null;

    public static IngestResult Refused(string problem) => new([], problem);
}
