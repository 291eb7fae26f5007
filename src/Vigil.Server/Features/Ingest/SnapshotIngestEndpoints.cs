using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Ingest;

/// <summary>Ingest's addresses, as snapshot cameras' credentials show them.</summary>
internal sealed class SnapshotIngestEndpoints(IOptions<IngestOptions> ingest, IOptions<ServerOptions> server, IngestWebhookKey webhookKey) : ISnapshotIngestEndpoints
{
    public string AddressDomain => ingest.Value.EffectiveDomain(server.Value.EffectivePublicHost);

    public int SmtpPort => ingest.Value.SmtpPort;

    public string UploadPath => "/api/ingest/snapshot";

    public string WebhookPath => $"/api/ingest/sendgrid/{webhookKey.Secret}";
}
