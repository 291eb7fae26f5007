namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /v1/get-ice-server-config</c> on the channel's HTTPS endpoint.</summary>
public sealed class GetIceServerConfigRequest
{
    /// <summary>Required.</summary>
    public string? ChannelARN { get; init; }

    /// <summary>Optional: the caller's client id (the KVS C SDK sends it).</summary>
    public string? ClientId { get; init; }

    /// <summary>Optional: <c>TURN</c>.</summary>
    public string? Service { get; init; }

    /// <summary>Optional and unused.</summary>
    public string? Username { get; init; }
}
