using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.WebClient;

/// <summary>The built web client on disk: its directory and whether it is there at all.</summary>
internal sealed class WebClientFiles(IOptions<WebClientOptions> options)
{
    public string Root { get; } = options.Value.Root is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public string IndexPath => Path.Combine(Root, "index.html");

    /// <summary>False when the server was built without the web client (no Node.js at build time).</summary>
    public bool Installed => File.Exists(IndexPath);
}
