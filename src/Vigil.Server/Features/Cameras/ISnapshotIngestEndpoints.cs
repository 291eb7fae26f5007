namespace Vigil.Server.Features.Cameras;

/// <summary>
/// Where a snapshot camera sends its pictures, as its credentials show it. Ingest implements it: Ingest
/// depends on Cameras (to recognise the sender), so Cameras learns Ingest's addresses through this.
/// </summary>
internal interface ISnapshotIngestEndpoints
{
    /// <summary>The domain of private ingest addresses (<c>&lt;token&gt;@&lt;domain&gt;</c>), lower case.</summary>
    string AddressDomain { get; }

    int SmtpPort { get; }

    /// <summary>The path of the HTTP upload (<c>Authorization: Bearer &lt;upload token&gt;</c>).</summary>
    string UploadPath { get; }

    /// <summary>The path of the SendGrid-compatible inbound-parse webhook; it holds a secret.</summary>
    string WebhookPath { get; }
}
