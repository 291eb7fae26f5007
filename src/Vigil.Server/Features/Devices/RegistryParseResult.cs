namespace Vigil.Server.Features.Devices;

internal sealed record RegistryParseResult(IReadOnlyList<RegistryRow> Rows, IReadOnlyList<RegistryProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}
