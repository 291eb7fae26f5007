using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting.FrontDoor;

/// <summary>The front door's listener once configured, and the port it is bound to (differs from the setting when that is 0).</summary>
internal sealed class FrontDoorEndpoint
{
    public ListenOptions? Listen { get; set; }

    /// <summary>The bound port; null when the front door is off or not bound yet.</summary>
    public int? Port => Listen?.EndPoint is IPEndPoint { Port: not 0 } endpoint ? endpoint.Port : null;
}
