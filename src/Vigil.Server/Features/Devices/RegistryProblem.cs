namespace Vigil.Server.Features.Devices;

/// <summary>Why a registry file (or one of its rows) cannot be imported. Line 0 means the file as a whole.</summary>
internal sealed record RegistryProblem(int Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Reason}" : Reason;
}
