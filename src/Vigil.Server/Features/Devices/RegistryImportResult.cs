namespace Vigil.Server.Features.Devices;

/// <summary>
/// What an import did, or would have done. <see cref="Committed"/> is false when there were
/// conflicts (nothing was imported) or for a dry run.
/// </summary>
internal sealed record RegistryImportResult(
    int Added,
    int Unchanged,
    IReadOnlyList<RegistryProblem> Conflicts,
    Guid? ImportId,
    bool Committed);
