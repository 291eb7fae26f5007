namespace Vigil.Server.Features.Devices;

/// <summary>One successful registry import (a batch), kept for audit: which file, when, what it added.</summary>
internal sealed class RegistryImport
{
    public required Guid Id { get; init; }

    public required string Source { get; init; }

    public required DateTimeOffset ImportedAt { get; init; }

    public required int Added { get; init; }

    public required int Unchanged { get; init; }
}
