using System.Net.WebSockets;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// The live state of one channel: its master, its viewers, viewer slots reserved by handshakes in progress,
/// and the messages waiting for recipients that are not connected. Every member runs under one lock per
/// channel; the work inside is a few dictionary operations and non-blocking queue writes.
/// </summary>
internal sealed class ChannelSession(string arn, int messageTtlSeconds, SignalingOptions options, TimeProvider time)
{
    /// <summary>Undelivered messages kept per recipient and per channel; beyond that the oldest go.</summary>
    public const int MaxPendingPerRecipient = 100;
    public const int MaxPendingPerChannel = 1000;

    /// <summary>The queue key of the master (viewers are keyed by their client id, which cannot contain ':').</summary>
    public const string MasterKey = ":master";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SignalingConnection> _viewers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PendingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TokenBucket _masterConnects = new(time, options.ConnectsPerSecondPerChannel, options.MaxViewersPerChannel + 1);
    private readonly TokenBucket _viewerConnects = new(time, options.ConnectsPerSecondPerChannel, options.MaxViewersPerChannel + 1);
    private SignalingConnection? _master;
    private int _pendingCount;
    private int _mastersConnecting;
    private bool _retired;

    public string Arn { get; } = arn;

    public int MessageTtlSeconds { get; set; } = messageTtlSeconds;

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _master is null && _viewers.Count == 0 && _reserved.Count == 0 && _mastersConnecting == 0 && _pendingCount == 0;
            }
        }
    }

    /// <summary>Marks an empty session as no longer usable, so the hub can drop it without racing an admission.</summary>
    public bool TryRetire()
    {
        lock (_lock)
        {
            if (_master is not null || _viewers.Count > 0 || _reserved.Count > 0 || _mastersConnecting > 0 || _pendingCount > 0)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    /// <summary>Checks the connect rate and, for a viewer, reserves its slot until <see cref="Attach"/> or <see cref="Release"/>.</summary>
    public AdmissionOutcome Admit(string? clientId)
    {
        lock (_lock)
        {
            if (_retired)
            {
                return AdmissionOutcome.Retired;
            }

            if (clientId is not null && !_viewers.ContainsKey(clientId) && !_reserved.Contains(clientId)
                && _viewers.Count + _reserved.Count(r => !_viewers.ContainsKey(r)) >= options.MaxViewersPerChannel)
            {
                return AdmissionOutcome.TooManyViewers;
            }

            if (!(clientId is null ? _masterConnects : _viewerConnects).TryTake())
            {
                return AdmissionOutcome.TooManyConnects;
            }

            if (clientId is not null)
            {
                _reserved.Add(clientId);
            }
            else
            {
                _mastersConnecting++;
            }

            return AdmissionOutcome.Admitted;
        }
    }

    /// <summary>Gives back a reservation whose handshake did not complete.</summary>
    public void Release(string? clientId)
    {
        lock (_lock)
        {
            if (clientId is null)
            {
                _mastersConnecting--;
            }
            else
            {
                _reserved.Remove(clientId);
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="connection"/> the master or the viewer with its id, closing the connection it
    /// replaces (the latest connection wins), then hands it the messages that waited for it.
    /// </summary>
    public void Attach(SignalingConnection connection)
    {
        SignalingConnection? replaced;
        lock (_lock)
        {
            if (connection.ClientId is { } id)
            {
                _reserved.Remove(id);
                _viewers.TryGetValue(id, out replaced);
                _viewers[id] = connection;
            }
            else
            {
                _mastersConnecting--;
                replaced = _master;
                _master = connection;
            }

            if (_pending.Remove(connection.ClientId ?? MasterKey, out var waiting))
            {
                _pendingCount -= waiting.Count;
                var now = time.GetTimestamp();
                foreach (var message in waiting)
                {
                    if (message.ExpiresAt > now)
                    {
                        connection.TrySend(message.Frame);
                    }
                }
            }
        }

        replaced?.Close(WebSocketCloseStatus.PolicyViolation, "replaced by a newer connection");
    }

    public void Detach(SignalingConnection connection)
    {
        lock (_lock)
        {
            if (connection.ClientId is { } id)
            {
                if (_viewers.TryGetValue(id, out var current) && ReferenceEquals(current, connection))
                {
                    _viewers.Remove(id);
                }
            }
            else if (ReferenceEquals(_master, connection))
            {
                _master = null;
            }
        }
    }

    /// <summary>
    /// Routes a message (aws-wire.md §2.4): a viewer's always goes to the master, with the viewer's id as
    /// sender; the master's goes to the viewer it names. Written to the recipient's socket queue at once, or
    /// kept for MessageTtlSeconds when the recipient is not connected (a newer offer or answer from the
    /// same sender replaces a queued one).
    /// </summary>
    public void Route(SignalingConnection sender, ClientMessage message)
    {
        var recipientKey = RecipientKey(sender, message);
        var frame = ServerMessages.Relay(message.Action, message.Payload, sender.ClientId);
        lock (_lock)
        {
            var recipient = sender.IsMaster
                ? (_viewers.TryGetValue(recipientKey, out var viewer) ? viewer : null)
                : _master;
            if (recipient is not null)
            {
                recipient.TrySend(frame);
                return;
            }

            Enqueue(recipientKey, new PendingMessage(
                sender.ClientId ?? MasterKey,
                message.Action,
                frame,
                time.GetTimestamp() + (long)(MessageTtlSeconds * (double)time.TimestampFrequency)));
        }
    }

    /// <summary>Who a message goes to: the viewer the master names, or the master (<see cref="MasterKey"/>).</summary>
    public static string RecipientKey(SignalingConnection sender, ClientMessage message) =>
        sender.IsMaster ? message.RecipientClientId! : MasterKey;

    /// <summary>Writes a frame to the recipient when it is connected to this node; false (nothing queued) when it is not.</summary>
    public bool TryDeliver(string recipientKey, byte[] frame)
    {
        lock (_lock)
        {
            var recipient = recipientKey == MasterKey
                ? _master
                : (_viewers.TryGetValue(recipientKey, out var viewer) ? viewer : null);
            if (recipient is null || recipient.IsClosed)
            {
                return false;
            }

            recipient.TrySend(frame);
            return true;
        }
    }

    /// <summary>A newer connection with this role and id attached on another node: this node's one is closed (the latest wins).</summary>
    public void CloseReplaced(string key, string connectionId)
    {
        SignalingConnection? replaced;
        lock (_lock)
        {
            replaced = key == MasterKey ? _master : (_viewers.TryGetValue(key, out var viewer) ? viewer : null);
            if (replaced is null || replaced.Id != connectionId)
            {
                return;
            }

            // Detached now, not when its close handshake ends: from here on its messages go to the newer connection.
            if (key == MasterKey)
            {
                _master = null;
            }
            else
            {
                _viewers.Remove(key);
            }
        }

        replaced.Close(WebSocketCloseStatus.PolicyViolation, "replaced by a newer connection");
    }

    /// <summary>Drops expired messages; called by the sweeper.</summary>
    public void Expire()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            foreach (var key in _pending.Keys.ToList())
            {
                var list = _pending[key];
                _pendingCount -= list.RemoveAll(m => m.ExpiresAt <= now);
                if (list.Count == 0)
                {
                    _pending.Remove(key);
                }
            }
        }
    }

    public List<SignalingConnection> Connections()
    {
        lock (_lock)
        {
            var all = new List<SignalingConnection>(_viewers.Count + 1);
            if (_master is not null)
            {
                all.Add(_master);
            }

            all.AddRange(_viewers.Values);
            return all;
        }
    }

    private void Enqueue(string recipientKey, PendingMessage message)
    {
        if (!_pending.TryGetValue(recipientKey, out var list))
        {
            list = [];
            _pending[recipientKey] = list;
        }

        if (message.Action != SignalingAction.IceCandidate)
        {
            var index = list.FindIndex(m => m.Sender == message.Sender && m.Action == message.Action);
            if (index >= 0)
            {
                list[index] = message;
                return;
            }
        }

        if (list.Count >= MaxPendingPerRecipient || _pendingCount >= MaxPendingPerChannel)
        {
            if (list.Count == 0)
            {
                return;
            }

            list.RemoveAt(0);
            _pendingCount--;
        }

        list.Add(message);
        _pendingCount++;
    }
}
