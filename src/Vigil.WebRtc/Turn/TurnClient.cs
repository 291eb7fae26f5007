using System.Net;
using Microsoft.Extensions.Logging;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Turn;

/// A TURN client over UDP (RFC 8656) for one allocation: long-term credentials with 401/438
/// handling (RFC 8489 §9.2), refreshes at half the lifetime, permissions per peer IP, channel
/// bindings, and Send/Data indications or ChannelData for the payload. Sans-IO: the owner passes
/// datagrams from the server in, calls <see cref="Poll"/> on a timer and provides the send path.
/// Not thread-safe (called under the connection lock), except the static framing used by the media path.
internal sealed partial class TurnClient
{
    private readonly string _username;
    private readonly string _password;
    private readonly Action<ReadOnlyMemory<byte>> _send;
    private readonly TurnClientOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<StunTransactionId, Pending> _pending = [];
    private readonly Dictionary<IPAddress, Permission> _permissions = [];
    private readonly Dictionary<IPEndPoint, Channel> _channelsByPeer = [];
    private readonly Dictionary<ushort, Channel> _channelsByNumber = [];
    private string? _realm;
    private string? _nonce;
    private byte[]? _key;
    private TimeSpan _refreshAt = TimeSpan.MaxValue;
    private ushort _nextChannel = TurnFraming.FirstChannel;

    public TurnClient(IPEndPoint server, string username, string password, Action<ReadOnlyMemory<byte>> send, TurnClientOptions options, ILogger logger)
    {
        Server = StunAddress.Normalize(server);
        _username = username;
        _password = password;
        _send = send;
        _options = options;
        _logger = logger;
    }

    public IPEndPoint Server { get; }

    public TurnAllocationState State { get; private set; } = TurnAllocationState.Idle;

    public IPEndPoint? RelayedAddress { get; private set; }

    public IPEndPoint? MappedAddress { get; private set; }

    public TimeSpan Lifetime { get; private set; }

    public string? Error { get; private set; }

    public int RefreshCount { get; private set; }

    /// 438 answers that were retried with a fresh nonce.
    public int StaleNonceRetries { get; private set; }

    /// Raised once when the allocation succeeds or fails (check <see cref="State"/>).
    public Action<TurnClient>? AllocationFinished { get; set; }

    /// Payload from a peer, unwrapped from a Data indication or ChannelData.
    public Action<IPEndPoint, ReadOnlyMemory<byte>>? DataReceived { get; set; }

    /// A permission or channel became usable (lets waiting checks go out).
    public Action? PermissionsChanged { get; set; }

    public void Start(TimeSpan now)
    {
        if (State != TurnAllocationState.Idle)
        {
            return;
        }

        State = TurnAllocationState.Allocating;
        SendRequest(RequestKind.Allocate, now, peer: null, channel: 0, lifetime: _options.RequestedLifetime);
    }

    public bool HasPermission(IPAddress address) =>
        _permissions.TryGetValue(StunAddress.Normalize(address), out var permission) && permission.Installed;

    /// Asks for a permission for <paramref name="address"/> (RFC 8656 §10) unless one exists or is pending.
    public void RequestPermission(IPAddress address, TimeSpan now)
    {
        address = StunAddress.Normalize(address);
        if (State != TurnAllocationState.Allocated || _permissions.ContainsKey(address))
        {
            return;
        }

        _permissions[address] = new Permission();
        SendRequest(RequestKind.CreatePermission, now, new IPEndPoint(address, 0), 0, TimeSpan.Zero);
    }

    /// Binds a channel to <paramref name="peer"/> (RFC 8656 §12.2); the binding also installs a permission.
    public void BindChannel(IPEndPoint peer, TimeSpan now)
    {
        peer = StunAddress.Normalize(peer);
        if (State != TurnAllocationState.Allocated || _channelsByPeer.ContainsKey(peer) || _nextChannel > TurnFraming.LastChannel)
        {
            return;
        }

        var channel = new Channel(_nextChannel++, peer);
        _channelsByPeer[peer] = channel;
        _channelsByNumber[channel.Number] = channel;
        SendRequest(RequestKind.ChannelBind, now, peer, channel.Number, TimeSpan.Zero);
    }

    /// The confirmed channel for a peer, if any.
    public ushort? ChannelFor(IPEndPoint peer) =>
        _channelsByPeer.TryGetValue(StunAddress.Normalize(peer), out var channel) && channel.Bound ? channel.Number : null;

    /// Handles a datagram that came from the TURN server: a STUN response, a Data indication or
    /// ChannelData. Returns false if it was none of these.
    public bool HandleFromServer(ReadOnlySpan<byte> datagram, TimeSpan now)
    {
        if (TurnFraming.TryReadChannelData(datagram, out var number, out var offset, out var length))
        {
            if (_channelsByNumber.TryGetValue(number, out var channel))
            {
                DataReceived?.Invoke(channel.Peer, datagram.Slice(offset, length).ToArray());
            }

            return true;
        }

        if (!StunMessage.TryParse(datagram, out var message))
        {
            return false;
        }

        if (message.Method == StunMethod.Data && message.Class == StunClass.Indication)
        {
            // §11.4: XOR-PEER-ADDRESS and DATA; indications are not authenticated.
            if (message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var peer) && message.TryGetAttribute(StunAttributeType.Data, out var data))
            {
                DataReceived?.Invoke(StunAddress.Normalize(peer), data.ToArray());
            }

            return true;
        }

        if (message.Class is StunClass.SuccessResponse or StunClass.ErrorResponse && _pending.Remove(message.TransactionId, out var pending))
        {
            HandleResponse(pending, message, now);
        }

        return true;
    }

    /// Retransmits, times out and refreshes; <see cref="NextDeadline"/> says when to call it again.
    public void Poll(TimeSpan now)
    {
        List<(StunTransactionId, Pending)>? expired = null;
        foreach (var (id, pending) in _pending)
        {
            switch (pending.Retransmission.Poll(now))
            {
                case StunRetransmitDecision.Retransmit:
                    _send(pending.Request);
                    break;
                case StunRetransmitDecision.TimedOut:
                    (expired ??= []).Add((id, pending));
                    break;
                default:
                    break;
            }
        }

        foreach (var (id, pending) in expired ?? [])
        {
            _pending.Remove(id);
            Fail(pending, "timeout", now);
        }

        if (State == TurnAllocationState.Allocated)
        {
            if (now >= _refreshAt)
            {
                _refreshAt = TimeSpan.MaxValue;
                SendRequest(RequestKind.Refresh, now, null, 0, _options.RequestedLifetime);
            }

            foreach (var (address, permission) in _permissions)
            {
                if (permission.Installed && now >= permission.RefreshAt)
                {
                    permission.RefreshAt = TimeSpan.MaxValue;
                    SendRequest(RequestKind.CreatePermission, now, new IPEndPoint(address, 0), 0, TimeSpan.Zero);
                }
            }

            foreach (var channel in _channelsByPeer.Values)
            {
                if (channel.Bound && now >= channel.RefreshAt)
                {
                    channel.RefreshAt = TimeSpan.MaxValue;
                    SendRequest(RequestKind.ChannelBind, now, channel.Peer, channel.Number, TimeSpan.Zero);
                }
            }
        }
    }

    /// The earliest moment <see cref="Poll"/> has something to do (MaxValue when idle).
    public TimeSpan NextDeadline
    {
        get
        {
            var next = TimeSpan.MaxValue;
            foreach (var pending in _pending.Values)
            {
                next = pending.Retransmission.Deadline < next ? pending.Retransmission.Deadline : next;
            }

            if (State != TurnAllocationState.Allocated)
            {
                return next;
            }

            next = _refreshAt < next ? _refreshAt : next;
            foreach (var permission in _permissions.Values.Where(p => p.Installed))
            {
                next = permission.RefreshAt < next ? permission.RefreshAt : next;
            }

            foreach (var channel in _channelsByPeer.Values.Where(c => c.Bound))
            {
                next = channel.RefreshAt < next ? channel.RefreshAt : next;
            }

            return next;
        }
    }

    /// Deletes the allocation (Refresh with LIFETIME 0, RFC 8656 §8). Best effort, no retransmission.
    public void Close(TimeSpan now)
    {
        if (State == TurnAllocationState.Allocated)
        {
            var id = StunTransactionId.NewRandom();
            _send(Build(RequestKind.Refresh, id, null, 0, TimeSpan.Zero));
        }

        _pending.Clear();
        State = TurnAllocationState.Closed;
    }

    private void SendRequest(RequestKind kind, TimeSpan now, IPEndPoint? peer, ushort channel, TimeSpan lifetime, int staleNonceRetries = 0)
    {
        var id = StunTransactionId.NewRandom();
        var request = Build(kind, id, peer, channel, lifetime);
        var retransmission = new StunRetransmission(_options.InitialRto, _options.MaxRequests, lastWaitMultiplier: 4);
        retransmission.Start(now);
        _pending[id] = new Pending(kind, request, retransmission, peer, channel, lifetime, staleNonceRetries);
        _send(request);
    }

    /// RFC 8656 §7.1 (Allocate), §8.1 (Refresh), §10.1 (CreatePermission), §12.1 (ChannelBind);
    /// once the server has named its realm, every request carries USERNAME, REALM, NONCE and MI.
    private byte[] Build(RequestKind kind, StunTransactionId id, IPEndPoint? peer, ushort channel, TimeSpan lifetime)
    {
        var method = kind switch
        {
            RequestKind.Allocate => StunMethod.Allocate,
            RequestKind.Refresh => StunMethod.Refresh,
            RequestKind.CreatePermission => StunMethod.CreatePermission,
            _ => StunMethod.ChannelBind,
        };
        var builder = new StunMessageBuilder(method, StunClass.Request, id);
        switch (kind)
        {
            case RequestKind.Allocate:
                builder.AddUInt32(StunAttributeType.RequestedTransport, 17u << 24); // UDP
                builder.AddUInt32(StunAttributeType.Lifetime, (uint)lifetime.TotalSeconds);
                break;
            case RequestKind.Refresh:
                builder.AddUInt32(StunAttributeType.Lifetime, (uint)lifetime.TotalSeconds);
                break;
            case RequestKind.CreatePermission:
                builder.AddXorAddress(StunAttributeType.XorPeerAddress, peer!);
                break;
            default:
                builder.AddUInt32(StunAttributeType.ChannelNumber, (uint)channel << 16);
                builder.AddXorAddress(StunAttributeType.XorPeerAddress, peer!);
                break;
        }

        if (_key is not null)
        {
            builder.AddString(StunAttributeType.Username, _username)
                .AddString(StunAttributeType.Realm, _realm!)
                .AddString(StunAttributeType.Nonce, _nonce!)
                .AddMessageIntegrity(_key);
        }

        return builder.AddFingerprint().ToArray();
    }

    private void HandleResponse(Pending pending, StunMessage response, TimeSpan now)
    {
        // Responses to authenticated requests must carry a valid MESSAGE-INTEGRITY (RFC 8489 §9.2.5).
        if (_key is not null && response.HasMessageIntegrity && !response.VerifyMessageIntegrity(_key))
        {
            _pending[response.TransactionId] = pending; // not from the server; keep waiting
            return;
        }

        if (response.Class == StunClass.ErrorResponse)
        {
            HandleError(pending, response, now);
            return;
        }

        switch (pending.Kind)
        {
            case RequestKind.Allocate:
                if (!response.TryGetXorAddress(StunAttributeType.XorRelayedAddress, out var relayed))
                {
                    Fail(pending, "Allocate success without XOR-RELAYED-ADDRESS", now);
                    return;
                }

                RelayedAddress = StunAddress.Normalize(relayed);
                MappedAddress = response.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped) ? StunAddress.Normalize(mapped) : null;
                SetLifetime(response, now);
                State = TurnAllocationState.Allocated;
                Log.Allocated(_logger, Server, RelayedAddress, Lifetime.TotalSeconds);
                AllocationFinished?.Invoke(this);
                break;
            case RequestKind.Refresh:
                RefreshCount++;
                SetLifetime(response, now);
                break;
            case RequestKind.CreatePermission:
                if (_permissions.TryGetValue(pending.Peer!.Address, out var permission))
                {
                    permission.Installed = true;
                    permission.RefreshAt = now + _options.PermissionRefresh;
                    PermissionsChanged?.Invoke();
                }

                break;
            default:
                if (_channelsByNumber.TryGetValue(pending.Channel, out var channel))
                {
                    channel.Bound = true;
                    channel.RefreshAt = now + _options.ChannelRefresh;
                    // §12.2: a channel binding also installs or refreshes the permission for the peer's IP.
                    if (!_permissions.TryGetValue(channel.Peer.Address, out var implied))
                    {
                        implied = new Permission();
                        _permissions[channel.Peer.Address] = implied;
                    }

                    implied.Installed = true;
                    implied.RefreshAt = now + _options.PermissionRefresh;
                    PermissionsChanged?.Invoke();
                }

                break;
        }
    }

    private void SetLifetime(StunMessage response, TimeSpan now)
    {
        Lifetime = response.TryGetUInt32(StunAttributeType.Lifetime, out var seconds) ? TimeSpan.FromSeconds(seconds) : _options.RequestedLifetime;
        // Refresh at half the lifetime (design M10), at least 30 s from now.
        _refreshAt = now + TimeSpan.FromTicks(Math.Max(Lifetime.Ticks / 2, TimeSpan.FromSeconds(30).Ticks));
    }

    private void HandleError(Pending pending, StunMessage response, TimeSpan now)
    {
        response.TryGetErrorCode(out var code, out var reason);
        switch (code)
        {
            // RFC 8489 §9.2.5: the first request is unauthenticated; 401 names realm and nonce.
            case StunErrorCode.Unauthorized when _key is null || pending.StaleNonceRetries == 0:
                if (!TakeRealmAndNonce(response))
                {
                    Fail(pending, "401 without REALM/NONCE", now);
                    return;
                }

                _key = StunCredentials.LongTermKey(_username, _realm!, _password);
                if (pending.Kind == RequestKind.Allocate && pending.StaleNonceRetries == 0)
                {
                    SendRequest(pending.Kind, now, pending.Peer, pending.Channel, pending.Lifetime, staleNonceRetries: 1);
                    return;
                }

                Fail(pending, "401 Unauthorized (wrong credentials?)", now);
                return;

            // RFC 8489 §9.2.5 / RFC 8656: a nonce can go stale any time; take the new one and retry
            // (pion/turn #102, werift PR #384, sipsorcery PR #673).
            case StunErrorCode.StaleNonce when pending.StaleNonceRetries < _options.MaxStaleNonceRetries && TakeRealmAndNonce(response):
                _key = StunCredentials.LongTermKey(_username, _realm!, _password);
                StaleNonceRetries++;
                Log.StaleNonce(_logger, pending.Kind.ToString());
                SendRequest(pending.Kind, now, pending.Peer, pending.Channel, pending.Lifetime, pending.StaleNonceRetries + 1);
                return;
            default:
                Fail(pending, $"{code} {reason}", now, code);
                return;
        }
    }

    private bool TakeRealmAndNonce(StunMessage response)
    {
        if (!response.TryGetString(StunAttributeType.Nonce, out var nonce))
        {
            return false;
        }

        _nonce = nonce;
        if (response.TryGetString(StunAttributeType.Realm, out var realm))
        {
            _realm = realm;
        }

        return _realm is not null;
    }

    private void Fail(Pending pending, string reason, TimeSpan now, int errorCode = 0)
    {
        switch (pending.Kind)
        {
            case RequestKind.Allocate:
                Error = reason;
                State = TurnAllocationState.Failed;
                Log.AllocationFailed(_logger, Server, reason);
                AllocationFinished?.Invoke(this);
                break;
            case RequestKind.Refresh:
                // 437: the allocation is gone; anything else: try again at the next refresh slot.
                Log.RequestFailed(_logger, "Refresh", Server, reason);
                if (errorCode == StunErrorCode.AllocationMismatch)
                {
                    Error = reason;
                    State = TurnAllocationState.Failed;
                }
                else
                {
                    _refreshAt = now + TimeSpan.FromSeconds(10);
                }

                break;
            case RequestKind.CreatePermission:
                // 403 Forbidden: the server's peer filter refused the address (coturn #735, #783).
                Log.RequestFailed(_logger, "CreatePermission " + pending.Peer!.Address, Server, reason);
                if (_permissions.TryGetValue(pending.Peer.Address, out var permission))
                {
                    if (permission.Installed)
                    {
                        permission.RefreshAt = now + TimeSpan.FromSeconds(10);
                    }
                    else
                    {
                        _permissions.Remove(pending.Peer.Address);
                    }
                }

                break;
            default:
                Log.RequestFailed(_logger, "ChannelBind " + pending.Peer, Server, reason);
                if (_channelsByNumber.TryGetValue(pending.Channel, out var channel) && !channel.Bound)
                {
                    _channelsByNumber.Remove(channel.Number);
                    _channelsByPeer.Remove(channel.Peer);
                }
                else if (channel is not null)
                {
                    channel.RefreshAt = now + TimeSpan.FromSeconds(10);
                }

                break;
        }
    }

    private enum RequestKind
    {
        Allocate,
        Refresh,
        CreatePermission,
        ChannelBind,
    }

    private sealed record Pending(RequestKind Kind, byte[] Request, StunRetransmission Retransmission, IPEndPoint? Peer, ushort Channel, TimeSpan Lifetime, int StaleNonceRetries);

    private sealed class Permission
    {
        public bool Installed { get; set; }

        public TimeSpan RefreshAt { get; set; } = TimeSpan.MaxValue;
    }

    private sealed class Channel(ushort number, IPEndPoint peer)
    {
        public ushort Number { get; } = number;

        public IPEndPoint Peer { get; } = peer;

        public bool Bound { get; set; }

        public TimeSpan RefreshAt { get; set; } = TimeSpan.MaxValue;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "TURN allocation on {Server}: relayed {Relayed}, lifetime {Seconds} s")]
        public static partial void Allocated(ILogger logger, IPEndPoint server, IPEndPoint relayed, double seconds);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "TURN allocation on {Server} failed: {Reason}")]
        public static partial void AllocationFailed(ILogger logger, IPEndPoint server, string reason);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "TURN {Request} on {Server} failed: {Reason}")]
        public static partial void RequestFailed(ILogger logger, string request, IPEndPoint server, string reason);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "TURN {Request}: stale nonce, retrying")]
        public static partial void StaleNonce(ILogger logger, string request);
    }
}
