using System.Net;
using System.Net.Sockets;
using Vigil.WebRtc.Dtls;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Rtcp;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Stun;
using Vigil.WebRtc.Transport;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc;

public sealed partial class WebRtcPeerConnection
{
    // The timer is re-armed for the earliest deadline of ICE, TURN, gathering and RTCP after every
    // step, but never sleeps longer than this (a safety net against a missed re-arm).
    private static readonly TimeSpan MaxTimerSleep = TimeSpan.FromSeconds(1);

    private readonly ITimer _timer;
    private readonly List<UdpEndpoint> _sockets = [];
    private readonly List<HostBase> _hostBases = [];
    private volatile MediaPath? _path;
    private long _datagramsReceived;

    /// Binds the sockets, creates the DTLS session (started once a pair is selected) and starts one
    /// receive loop per socket. Called once, under _gate.
    private void StartTransport(SdpNegotiation negotiation)
    {
        var addresses = _settings.BindAddresses.Count > 0 ? _settings.BindAddresses.ToList() : LocalAddresses.Discover();
        foreach (var address in addresses)
        {
            try
            {
                _sockets.Add(UdpEndpoint.Bind(address, _settings.PortMin, _settings.PortMax, _settings.SocketSendBufferSize));
            }
            catch (IOException exception)
            {
                Log.ServerSkipped(_logger, address.ToString(), exception.Message);
            }
        }

        if (_sockets.Count == 0)
        {
            throw new IOException("No local address could be bound for ICE.");
        }

        // Send limit: 1200-byte path MTU budget minus TURN Send-indication framing.
        _dtls = new DtlsSession(_certificate, negotiation.RemoteFingerprints, _settings.SrtpProfiles.ToList(), SendDtls,
            _settings.DtlsHandshakeTimeout, _logger, sendLimit: 1200 - TurnFraming.MaxSendIndicationOverhead);
        _tasks.Add(ObserveDtlsAsync(_dtls));

        var token = _stop.Token;
        foreach (var socket in _sockets)
        {
            _tasks.Add(StartReceiveThread(socket, token));
        }

        var early = _earlyCandidates.ToList();
        var earlyEnd = _earlyEndOfCandidates || negotiation.OfferedEndOfCandidates;
        _earlyCandidates.Clear();
        Run(() =>
        {
            _agent.SetRemoteCredentials(new IceCredentials(negotiation.RemoteUfrag, negotiation.RemotePwd), Now);
            foreach (var candidate in negotiation.OfferedCandidates.Concat(early))
            {
                _agent.AddRemoteCandidate(candidate);
            }

            if (earlyEnd)
            {
                _agent.SetRemoteEndOfCandidates();
            }

            StartGathering();
            UpdateState();
        });
    }

    /// One blocking receive thread per socket, ended by closing the socket. Not ReceiveFromAsync:
    /// an async operation registers the socket with the runtime's epoll loop (EPOLLIN|EPOLLOUT,
    /// edge-triggered), and then every datagram we send wakes it when its buffer is freed, which
    /// costs a thread-pool work item (and the pool's idle spinning after it) per burst of media
    /// packets: on the 2-core benchmark machine that alone was more than the 2 %-of-a-core budget
    /// of a stream (docs/benchmarks.md).
    private Task StartReceiveThread(UdpEndpoint socket, CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Receive(socket, token);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "vigil-webrtc-rx",
        };
        thread.Start();
        return done.Task;
    }

    private void Receive(UdpEndpoint socket, CancellationToken token)
    {
        var buffer = new byte[65536];
        var address = new SocketAddress(socket.Family);
        var template = new IPEndPoint(socket.Family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!token.IsCancellationRequested)
        {
            try
            {
                var length = socket.Socket.ReceiveFrom(buffer, SocketFlags.None, address);
                var source = StunAddress.Normalize((IPEndPoint)template.Create(address));
                // Handled right here under the lock; everything that keeps bytes copies them.
                Run(() => OnDatagram(socket, source, buffer.AsSpan(0, length)));
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (token.IsCancellationRequested)
            {
                return; // the socket was closed to end this thread
            }
            catch (SocketException exception)
            {
                // ICMP errors and the like: keep listening.
                Log.ReceiveFailed(_logger, socket.LocalEndPoint, exception);
            }
        }
    }

    private void Tick()
    {
        if (_disposed != 0)
        {
            return;
        }

        var now = Now;
        _agent.Poll(now);
        foreach (var turn in _turnClients)
        {
            turn.Poll(now);
        }

        PollStunProbes(now);
        PollRtcp(now);
    }

    /// Arms the timer for the earliest pending deadline (under _gate). Nothing to poll before the
    /// transport starts (candidates added before the offer only wait in a list) or after disposal.
    private void ScheduleTimer()
    {
        if (_disposed != 0 || _tasks.Count == 0)
        {
            return;
        }

        var now = Now;
        var next = _agent.NextDeadline(now);
        foreach (var turn in _turnClients)
        {
            next = Min(next, turn.NextDeadline);
        }

        foreach (var probe in _stunProbes)
        {
            if (!probe.Done)
            {
                next = Min(next, probe.Retransmission.Deadline);
            }
        }

        if (_srtpReady)
        {
            next = Min(next, _nextReport);
        }

        var due = next == TimeSpan.MaxValue ? MaxTimerSleep : Clamp(next - now, TimeSpan.FromMilliseconds(1), MaxTimerSleep);
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    /// RFC 7983 §7 demultiplexing of what arrives on a host socket.
    private void OnDatagram(UdpEndpoint socket, IPEndPoint source, ReadOnlySpan<byte> datagram)
    {
        _datagramsReceived++;
        if (datagram.Length == 0)
        {
            return;
        }

        foreach (var turn in _turnClients)
        {
            if (turn.Server.Equals(source) && _turnSockets[turn] == socket)
            {
                turn.HandleFromServer(datagram, Now);
                return;
            }
        }

        var host = _hostBases.Find(b => b.Socket == socket);
        if (host is null)
        {
            return;
        }

        // Parsed once here: a response may answer a gathering probe, everything else goes to ICE.
        StunMessage? stun = null;
        if (datagram[0] < 4 && (!StunMessage.TryParse(datagram, out stun)
            || (stun.Class is StunClass.SuccessResponse or StunClass.ErrorResponse && HandleStunProbeResponse(host, source, stun))))
        {
            return;
        }

        // With a relay-only policy our host addresses are never signalled; nothing may use them.
        if (_settings.IceTransportPolicy == IceTransportPolicy.Relay)
        {
            return;
        }

        HandleFromPeer(host, source, datagram, stun);
    }

    /// Demultiplexes traffic from a peer address, received directly or unwrapped from TURN;
    /// <paramref name="stun"/> is the datagram already parsed as STUN, if the caller did.
    private void HandleFromPeer(IceLocalBase localBase, IPEndPoint source, ReadOnlySpan<byte> datagram, StunMessage? stun = null)
    {
        var first = datagram[0];
        if (first < 4)
        {
            if (stun is not null || StunMessage.TryParse(datagram, out stun))
            {
                _agent.HandleStun(localBase, source, stun, Now);
            }

            return;
        }

        // Non-STUN traffic only from addresses ICE knows (design §1, sipsorcery #1559/#1731).
        if (!_agent.IsKnownRemote(source))
        {
            Log.UnknownSource(_logger, source);
            return;
        }

        if (first is >= 20 and <= 63)
        {
            _dtls?.Enqueue(datagram);
        }
        else if (first is >= 128 and <= 191 && RtcpPacketType.IsRtcp(datagram))
        {
            HandleRtcp(datagram);
        }
    }

    private void OnSelectedPairChanged(IceCandidatePair pair)
    {
        _path = new MediaPath(pair);
        if (pair.Local is RelayBase relay)
        {
            relay.Turn.BindChannel(pair.Remote.EndPoint, Now);
        }

        _dtls?.Start();
        UpdateState();
    }

    private void SendDtls(ReadOnlyMemory<byte> datagram) => _path?.Send(datagram.Span);

    private void UpdateState()
    {
        if (_disposed != 0 || State == PeerConnectionState.Closed)
        {
            return;
        }

        PeerConnectionState next;
        if (_dtlsFailed || _agent.State == IceConnectionState.Failed)
        {
            next = PeerConnectionState.Failed;
            _video?.Detach();
        }
        else if (_srtpReady && _agent.State == IceConnectionState.Connected)
        {
            next = PeerConnectionState.Connected;
        }
        else if (_srtpReady && _agent.State == IceConnectionState.Disconnected)
        {
            next = PeerConnectionState.Disconnected;
        }
        else
        {
            next = PeerConnectionState.Connecting;
        }

        if (State != PeerConnectionState.Failed)
        {
            SetState(next);
        }
    }

    /// Runs on the loop when disposing: BYE, TURN allocations released, agent closed.
    private void Shutdown()
    {
        SendGoodbye();
        var now = Now;
        foreach (var turn in _turnClients)
        {
            turn.Close(now);
        }

        _agent.Close();
    }
}
