namespace Vigil.Server.Features.Devices;

/// <summary>One device from a registry file; <see cref="Line"/> is where it starts in the file (1-based).</summary>
internal sealed record RegistryRow(int Line, string Serial, string Secret, string Model);
