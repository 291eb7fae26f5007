using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting;

/// <summary>The device-plane listeners of this server and the ports they are bound to (which differ from the settings when those are 0).</summary>
internal sealed class DevicePlaneEndpoints
{
    public ListenOptions? Mqtt { get; set; }

    public ListenOptions? MqttAlpn { get; set; }

    public ListenOptions? CredentialsProvider { get; set; }

    public int MqttPort => PortOf(Mqtt);

    public int MqttAlpnPort => PortOf(MqttAlpn);

    public int CredentialsProviderPort => PortOf(CredentialsProvider);

    private static int PortOf(ListenOptions? listen) =>
        listen?.EndPoint is IPEndPoint endpoint ? endpoint.Port : throw new InvalidOperationException("that listener is not configured");
}
