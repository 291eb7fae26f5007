namespace Vigil.Contracts.Kvs;

/// <summary>The answer to GetIceServerConfig: at least one server.</summary>
public sealed class GetIceServerConfigResponse
{
    /// <summary>The servers.</summary>
    public required IReadOnlyList<IceServer> IceServerList { get; init; }
}
