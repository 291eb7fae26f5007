using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Transport;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc;

public sealed partial class WebRtcPeerConnection
{
    private readonly List<TurnClient> _turnClients = [];
    private readonly Dictionary<TurnClient, UdpEndpoint> _turnSockets = [];
    private readonly List<StunProbe> _stunProbes = [];
    private readonly HashSet<string> _signalled = [];
    private int _gatheringPending;
    private bool _gatheringStarted;
    private bool _gatheringComplete;

    /// Gathering (design M3): host candidates at once, then server-reflexive and relay ones as
    /// their servers answer; each is trickled when it exists, and a dead or unresolvable server
    /// only delays end-of-candidates, never the answer (werift PR #462).
    private void StartGathering()
    {
        _gatheringStarted = true;
        var preference = 65535;
        foreach (var socket in _sockets)
        {
            var local = socket.LocalEndPoint;
            var candidate = new IceCandidate(
                IceFoundation.Compute(IceCandidateType.Host, local.Address.ToString(), null), 1, "udp",
                IcePriority.Candidate(IceCandidateType.Host, preference), local.Address.ToString(), local.Port, IceCandidateType.Host);
            var host = new HostBase(socket, candidate) { LocalPreference = preference };
            _hostBases.Add(host);
            preference = Math.Max(0, preference - 256);
            if (_settings.IceTransportPolicy == IceTransportPolicy.All)
            {
                _agent.AddLocalBase(host);
                Signal(candidate);
            }
        }

        foreach (var server in _settings.IceServers)
        {
            foreach (var uri in server.Urls)
            {
                if (!TurnServerAddress.TryParse(uri, out var address))
                {
                    Log.ServerSkipped(_logger, uri, "not a stun:/turn: URI");
                    continue;
                }

                if (address.Secure || address.Transport != "udp")
                {
                    Log.ServerSkipped(_logger, uri, "only UDP is implemented");
                    continue;
                }

                if (address.IsTurn && (server.Username is null || server.Credential is null))
                {
                    Log.ServerSkipped(_logger, uri, "TURN needs a username and credential");
                    continue;
                }

                if (!address.IsTurn && _settings.IceTransportPolicy == IceTransportPolicy.Relay)
                {
                    continue;
                }

                _gatheringPending++;
                _ = ResolveAndStartAsync(uri, address, server);
            }
        }

        CheckGatheringComplete();
    }

    private async Task ResolveAndStartAsync(string uri, TurnServerAddress address, IceServer server)
    {
        IPAddress[] resolved;
        try
        {
            resolved = IPAddress.TryParse(address.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(address.Host, _stop.Token).WaitAsync(_settings.GatheringTimeout, _time, _stop.Token);
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException or OperationCanceledException or ArgumentException)
        {
            Run(() =>
            {
                Log.ServerSkipped(_logger, uri, "cannot resolve: " + exception.Message);
                _gatheringPending--;
                CheckGatheringComplete();
            });
            return;
        }

        Run(() =>
        {
            _gatheringPending--;
            var now = Now;
            foreach (var host in _hostBases)
            {
                var target = resolved.Select(StunAddress.Normalize).FirstOrDefault(a => a.AddressFamily == host.Family);
                if (target is null)
                {
                    continue;
                }

                var endPoint = new IPEndPoint(target, address.Port);
                if (address.IsTurn)
                {
                    StartTurn(host, endPoint, uri, server, now);
                }
                else
                {
                    _stunProbes.Add(new StunProbe(host, endPoint, uri, TimeSpan.FromMilliseconds(500), 5, now));
                    _gatheringPending++;
                }
            }

            CheckGatheringComplete();
        });
    }

    private void StartTurn(HostBase host, IPEndPoint server, string uri, IceServer credentials, TimeSpan now)
    {
        if (host.Family != AddressFamily.InterNetwork)
        {
            return; // v1 relays IPv4 only.
        }

        var socket = host.Socket;
        var turn = new TurnClient(server, credentials.Username!, credentials.Credential!, datagram => socket.Send(datagram.Span, server), new TurnClientOptions(), _logger);
        _turnClients.Add(turn);
        _turnSockets[turn] = socket;
        _gatheringPending++;
        turn.AllocationFinished = t => OnAllocationFinished(t, host, uri);
        turn.PermissionsChanged = () =>
        {
            if (_path?.Pair is { Local: RelayBase relay } pair && relay.Turn == turn)
            {
                _path = new MediaPath(pair); // pick up the bound channel
            }
        };
        turn.Start(now);
    }

    private void OnAllocationFinished(TurnClient turn, HostBase host, string uri)
    {
        _gatheringPending--;
        if (turn.State == TurnAllocationState.Allocated && turn.RelayedAddress is { } relayed)
        {
            var mapped = turn.MappedAddress;
            var candidate = new IceCandidate(
                IceFoundation.Compute(IceCandidateType.Relay, host.Socket.LocalEndPoint.Address.ToString(), uri), 1, "udp",
                IcePriority.Candidate(IceCandidateType.Relay, host.LocalPreference), relayed.Address.ToString(), relayed.Port,
                IceCandidateType.Relay, mapped?.Address.ToString() ?? "0.0.0.0", mapped?.Port ?? 0);
            var relay = new RelayBase(host.Socket, turn, candidate, () => Now) { LocalPreference = host.LocalPreference };
            turn.DataReceived = (peer, data) => HandleFromPeer(relay, peer, data.Span);
            _agent.AddLocalBase(relay);
            Signal(candidate);
            if (mapped is not null)
            {
                SignalServerReflexive(host, mapped, uri); // Allocate's XOR-MAPPED-ADDRESS is a free srflx candidate
            }
        }
        else
        {
            Log.ServerSkipped(_logger, uri, turn.Error ?? "allocation failed");
        }

        CheckGatheringComplete();
    }

    private bool HandleStunProbeResponse(HostBase host, IPEndPoint source, StunMessage response)
    {
        var probe = _stunProbes.Find(p => p.Id == response.TransactionId && p.Host == host && p.Server.Equals(source));
        if (probe is null || probe.Done)
        {
            return false;
        }

        probe.Done = true;
        _gatheringPending--;
        if (response.Class == StunClass.SuccessResponse && response.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped))
        {
            SignalServerReflexive(host, StunAddress.Normalize(mapped), probe.ServerUri);
        }

        CheckGatheringComplete();
        return true;
    }

    private void PollStunProbes(TimeSpan now)
    {
        foreach (var probe in _stunProbes)
        {
            if (probe.Done)
            {
                continue;
            }

            switch (probe.Retransmission.Poll(now))
            {
                case StunRetransmitDecision.Retransmit:
                    probe.Host.Socket.Send(probe.Request, probe.Server);
                    break;
                case StunRetransmitDecision.TimedOut:
                    probe.Done = true;
                    _gatheringPending--;
                    Log.ServerSkipped(_logger, probe.ServerUri, "no STUN response");
                    CheckGatheringComplete();
                    break;
                default:
                    break;
            }
        }
    }

    /// RFC 8445 §5.1.3: a server-reflexive candidate equal to its base is redundant (no NAT).
    private void SignalServerReflexive(HostBase host, IPEndPoint mapped, string uri)
    {
        if (_settings.IceTransportPolicy != IceTransportPolicy.All || mapped.Equals(host.Socket.LocalEndPoint))
        {
            return;
        }

        var local = host.Socket.LocalEndPoint;
        Signal(new IceCandidate(
            IceFoundation.Compute(IceCandidateType.ServerReflexive, local.Address.ToString(), uri), 1, "udp",
            IcePriority.Candidate(IceCandidateType.ServerReflexive, host.LocalPreference), mapped.Address.ToString(), mapped.Port,
            IceCandidateType.ServerReflexive, local.Address.ToString(), local.Port));
    }

    private void Signal(IceCandidate candidate)
    {
        var value = candidate.ToAttributeValue();
        if (!_signalled.Add(value) || _negotiation is null)
        {
            return;
        }

        Log.LocalCandidate(_logger, value);
        var args = new IceCandidateEventArgs(value, _negotiation.Video.Mid, _negotiation.Video.MLineIndex, _agent.Local.Ufrag);
        Raise(() => LocalCandidate?.Invoke(this, args));
    }

    private void CheckGatheringComplete()
    {
        if (!_gatheringStarted || _gatheringComplete || _gatheringPending > 0 || _negotiation is null)
        {
            return;
        }

        _gatheringComplete = true;
        Log.GatheringComplete(_logger);
        var args = new IceCandidateEventArgs(null, _negotiation.Video.Mid, _negotiation.Video.MLineIndex, _agent.Local.Ufrag);
        Raise(() => LocalCandidate?.Invoke(this, args));
    }
}
