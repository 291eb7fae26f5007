using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Ice;

/// A full ICE agent (RFC 8445), normally controlled because the browser offers, with trickle
/// (RFC 8838) and consent freshness (RFC 7675). Sans-IO: the owner feeds STUN messages and
/// candidates, calls <see cref="Poll"/> on a timer, and sends through the bases. One component,
/// one data stream (BUNDLE + rtcp-mux), so the frozen-foundation algorithm reduces to starting
/// every pair in Waiting. Not thread-safe: the connection calls it under its lock.
internal sealed partial class IceAgent
{
    private readonly IceAgentOptions _options;
    private readonly ILogger _logger;
    private readonly List<IceLocalBase> _bases = [];
    private readonly List<IceRemoteCandidate> _remotes = [];
    private readonly List<IceCandidatePair> _pairs = [];
    private readonly LinkedList<IceCandidatePair> _triggered = new();
    private readonly Dictionary<StunTransactionId, Check> _checks = [];
    private readonly byte[] _localKey;
    private byte[] _remoteKey = [];
    private TimeSpan _nextCheck;
    private TimeSpan _checkingSince = TimeSpan.MinValue;
    private TimeSpan _nextConsent;
    private TimeSpan _lastConsent;
    private int _prflxCounter;

    public IceAgent(IceCredentials local, IceAgentOptions options, ILogger logger, bool controlling = false)
    {
        Local = local;
        _localKey = StunCredentials.ShortTermKey(local.Pwd);
        _options = options;
        _logger = logger;
        Controlling = controlling;
        TieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    public IceCredentials Local { get; }

    public IceCredentials? Remote { get; private set; }

    /// RFC 8445 §6.1.1: the answerer to a full-ICE offerer is controlled; §7.3.1.1 may flip it.
    public bool Controlling { get; private set; }

    public ulong TieBreaker { get; set; }

    public IceConnectionState State { get; private set; } = IceConnectionState.New;

    public IceCandidatePair? Selected { get; private set; }

    public bool RemoteEndOfCandidates { get; private set; }

    public IReadOnlyList<IceCandidatePair> Pairs => _pairs;

    public IReadOnlyList<IceRemoteCandidate> RemoteCandidates => _remotes;

    public Action<IceCandidatePair>? SelectedPairChanged { get; set; }

    public Action<IceConnectionState>? StateChanged { get; set; }

    /// Sets the peer's ice-ufrag/ice-pwd (from the offer) and starts checking.
    public void SetRemoteCredentials(IceCredentials remote, TimeSpan now)
    {
        Remote = remote;
        _remoteKey = StunCredentials.ShortTermKey(remote.Pwd);
        if (State == IceConnectionState.New)
        {
            _checkingSince = now;
            SetState(IceConnectionState.Checking);
        }
    }

    public void AddLocalBase(IceLocalBase localBase)
    {
        _bases.Add(localBase);
        foreach (var remote in _remotes)
        {
            AddPair(localBase, remote);
        }
    }

    /// RFC 8838 §11: a trickled candidate is paired with every base at once. mDNS names cannot
    /// be resolved here (the prflx candidate from the browser's first check replaces them), TCP
    /// candidates are not used; both are ignored rather than treated as errors (Kurento #432).
    public bool AddRemoteCandidate(IceCandidate candidate)
    {
        if (!candidate.IsUdp || candidate.Component != 1 || candidate.EndPoint is not { } endPoint)
        {
            Log.RemoteCandidateIgnored(_logger, candidate.ToAttributeValue());
            return false;
        }

        var existing = _remotes.Find(r => r.EndPoint.Equals(endPoint));
        if (existing is not null)
        {
            if (existing.Type == IceCandidateType.PeerReflexive)
            {
                // §7.3.1.3: a signalled candidate for a learned prflx address replaces its description.
                var upgraded = new IceRemoteCandidate(candidate, endPoint);
                _remotes[_remotes.IndexOf(existing)] = upgraded;
                foreach (var pair in _pairs.Where(p => p.Remote == existing))
                {
                    pair.Remote = upgraded;
                }
            }

            return true;
        }

        var remote = new IceRemoteCandidate(candidate, endPoint);
        _remotes.Add(remote);
        Log.RemoteCandidateAdded(_logger, candidate.ToAttributeValue());
        foreach (var localBase in _bases)
        {
            AddPair(localBase, remote);
        }

        return true;
    }

    public void SetRemoteEndOfCandidates() => RemoteEndOfCandidates = true;

    /// True for any address ICE knows as the peer's: signalled or learned candidates. Non-STUN
    /// traffic (DTLS, SRTCP) is accepted from all of them, not only the selected pair (sipsorcery #1559, #1731).
    public bool IsKnownRemote(IPEndPoint endPoint) => _remotes.Exists(r => r.EndPoint.Equals(endPoint));

    /// Handles a STUN Binding message that arrived on <paramref name="localBase"/> from <paramref name="source"/>.
    public void HandleStun(IceLocalBase localBase, IPEndPoint source, StunMessage message, TimeSpan now)
    {
        if (message.Method != StunMethod.Binding || State == IceConnectionState.Closed)
        {
            return;
        }

        source = StunAddress.Normalize(source);
        switch (message.Class)
        {
            case StunClass.Request:
                HandleRequest(localBase, source, message, now);
                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                HandleResponse(localBase, source, message, now);
                break;
            default:
                break; // Binding indications are keepalives (§11); nothing to do.
        }
    }

    /// Runs timers: paced checks (Ta), retransmissions, consent, state timeouts;
    /// <see cref="NextDeadline(TimeSpan)"/> says when it wants to run again.
    public void Poll(TimeSpan now)
    {
        if (State is IceConnectionState.New or IceConnectionState.Closed or IceConnectionState.Failed || Remote is null)
        {
            return;
        }

        PollRetransmissions(now);
        if (now >= _nextCheck)
        {
            _nextCheck = now + _options.CheckInterval;
            SendNextCheck(now);
        }

        PollConsent(now);
        PollState(now);
    }

    public void Close()
    {
        _checks.Clear();
        _triggered.Clear();
        SetState(IceConnectionState.Closed);
    }

    private void AddPair(IceLocalBase localBase, IceRemoteCandidate remote)
    {
        if (localBase.Family != remote.EndPoint.AddressFamily
            || _pairs.Exists(p => p.Local == localBase && p.Remote.EndPoint.Equals(remote.EndPoint)))
        {
            return;
        }

        var pair = new IceCandidatePair(localBase, remote, PairPriority(localBase.Candidate.Priority, remote.Priority));
        var index = _pairs.FindIndex(p => p.Priority < pair.Priority);
        _pairs.Insert(index < 0 ? _pairs.Count : index, pair);
    }

    // §6.1.2.3: G is the controlling agent's candidate priority.
    private ulong PairPriority(uint local, uint remote) => Controlling ? IcePriority.Pair(local, remote) : IcePriority.Pair(remote, local);

    private void Reprioritise()
    {
        foreach (var pair in _pairs)
        {
            pair.Priority = PairPriority(pair.Local.Candidate.Priority, pair.Remote.Priority);
        }

        _pairs.Sort((a, b) => b.Priority.CompareTo(a.Priority));
    }

    private void SetState(IceConnectionState state)
    {
        if (State == state || State == IceConnectionState.Closed)
        {
            return;
        }

        Log.StateChanged(_logger, State, state);
        State = state;
        StateChanged?.Invoke(state);
    }

    private void Select(IceCandidatePair pair, TimeSpan now)
    {
        pair.Nominated = true;
        if (Selected == pair)
        {
            return;
        }

        Selected = pair;
        _lastConsent = now;
        _nextConsent = now + Jitter(_options.ConsentInterval);
        Log.PairSelected(_logger, pair.ToString());
        SelectedPairChanged?.Invoke(pair);
        SetState(IceConnectionState.Connected);
    }

    private static TimeSpan Jitter(TimeSpan interval) => interval * (RandomNumberGenerator.GetInt32(800, 1201) / 1000.0);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "ICE state {From} -> {To}")]
        public static partial void StateChanged(ILogger logger, IceConnectionState from, IceConnectionState to);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "ICE selected pair {Pair}")]
        public static partial void PairSelected(ILogger logger, string pair);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "ICE remote candidate {Candidate}")]
        public static partial void RemoteCandidateAdded(ILogger logger, string candidate);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "ICE remote candidate ignored (mDNS, TCP or other component): {Candidate}")]
        public static partial void RemoteCandidateIgnored(ILogger logger, string candidate);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "ICE learned peer-reflexive remote candidate {EndPoint}")]
        public static partial void PeerReflexiveLearned(ILogger logger, IPEndPoint endPoint);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "ICE request from {Source} rejected with {Code}")]
        public static partial void RequestRejected(ILogger logger, IPEndPoint source, int code);

        [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "ICE check on {Pair} failed: {Reason}")]
        public static partial void CheckFailed(ILogger logger, string pair, string reason);

        [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "ICE role switched to {Role} ({Reason})")]
        public static partial void RoleSwitched(ILogger logger, string role, string reason);

        [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "ICE consent expired on {Pair}")]
        public static partial void ConsentExpired(ILogger logger, string pair);

        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "ICE failed: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }

    /// An outstanding request of ours: a connectivity check or a consent check.
    private sealed class Check(IceCandidatePair pair, byte[] request, StunRetransmission retransmission, bool nominating, bool consent, bool controllingRole, TimeSpan sentAt)
    {
        public IceCandidatePair Pair { get; } = pair;

        public byte[] Request { get; } = request;

        public StunRetransmission Retransmission { get; } = retransmission;

        public bool Nominating { get; } = nominating;

        public bool Consent { get; } = consent;

        public bool SentAsControlling { get; } = controllingRole;

        public TimeSpan SentAt { get; } = sentAt;
    }
}
