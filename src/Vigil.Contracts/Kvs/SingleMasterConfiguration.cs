namespace Vigil.Contracts.Kvs;

/// <summary>The configuration of a SINGLE_MASTER channel.</summary>
public sealed class SingleMasterConfiguration
{
    /// <summary>How long undelivered messages are kept, 5 to 120 seconds (written as a bare integer).</summary>
    public int? MessageTtlSeconds { get; init; }
}
