using System.Threading.Channels;

namespace Vigil.Server.Features.Ingest;

/// <summary>
/// The in-process hand-over from Ingest to the stage that turns messages into events. It holds
/// only ids: the messages are in the spool, so a full restart loses nothing (the spool is replayed).
/// </summary>
internal sealed class SnapshotQueue
{
    private readonly Channel<SnapshotReceived> _channel = Channel.CreateUnbounded<SnapshotReceived>(new UnboundedChannelOptions { SingleReader = false });

    public ChannelReader<SnapshotReceived> Reader => _channel.Reader;

    public void Enqueue(Guid spoolId) => _channel.Writer.TryWrite(new SnapshotReceived(spoolId));
}
