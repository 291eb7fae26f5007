namespace Vigil.Server.Features.WebClient;

/// <summary>Section <c>WebClient</c>: where the built web client is (docs/web-client.md).</summary>
internal sealed class WebClientOptions
{
    public const string Section = "WebClient";

    /// <summary>
    /// The directory with the built web client (<c>index.html</c> and <c>assets/</c>); default
    /// <c>wwwroot</c> beside the <c>vigil</c> binary, where the build puts it.
    /// </summary>
    public string? Root { get; set; }
}
