namespace Vigil.Server.Features.Ingest;

internal enum SnapshotSource
{
    Smtp,
    Webhook,
    Upload,
}
