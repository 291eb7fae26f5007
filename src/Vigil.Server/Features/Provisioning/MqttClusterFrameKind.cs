namespace Vigil.Server.Features.Provisioning;

/// <summary>The first byte of a <see cref="MqttClusterFrame"/>.</summary>
internal enum MqttClusterFrameKind : byte
{
    /// <summary>A message accepted on the origin node, for every other node's subscribers.</summary>
    Message = (byte)'M',

    /// <summary>A client connected on the origin node: another node holding its client id closes that connection.</summary>
    Connected = (byte)'C',
}
