using System.Net;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Ice;

internal sealed partial class IceAgent
{
    /// §6.1.4.2: one check per Ta — the triggered queue first, then the best Waiting pair.
    private void SendNextCheck(TimeSpan now)
    {
        while (_triggered.First is { } node)
        {
            _triggered.RemoveFirst();
            var pair = node.Value;
            if (pair.State != IceCandidatePairState.InProgress && StartCheck(pair, now, nominating: Controlling && Selected is null && pair.State == IceCandidatePairState.Succeeded))
            {
                return;
            }
        }

        foreach (var pair in _pairs)
        {
            if (pair.State == IceCandidatePairState.Waiting && StartCheck(pair, now, nominating: false))
            {
                return;
            }
        }
    }

    /// §7.2.4 request: USERNAME "their:ours", PRIORITY as prflx of the base, role and tie-breaker,
    /// USE-CANDIDATE when nominating as controlling agent, MI with their pwd, FINGERPRINT.
    private bool StartCheck(IceCandidatePair pair, TimeSpan now, bool nominating, bool consent = false)
    {
        if (!pair.Local.PrepareFor(pair.Remote.EndPoint))
        {
            return false; // TURN permission on its way; try again on a later tick.
        }

        var id = StunTransactionId.NewRandom();
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, id)
            .AddString(StunAttributeType.Username, $"{Remote!.Ufrag}:{Local.Ufrag}")
            .AddUInt32(StunAttributeType.Priority, IcePriority.Candidate(IceCandidateType.PeerReflexive, pair.Local.LocalPreference))
            .AddUInt64(Controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled, TieBreaker);
        if (nominating)
        {
            builder.AddFlag(StunAttributeType.UseCandidate);
        }

        var request = builder.AddMessageIntegrity(_remoteKey).AddFingerprint().ToArray();
        // Consent requests are not retransmitted: another one follows within ~5 s anyway.
        var retransmission = new StunRetransmission(_options.InitialRto, consent ? 1 : _options.MaxCheckRequests, lastWaitMultiplier: consent ? 4 : 16);
        retransmission.Start(now);
        _checks[id] = new Check(pair, request, retransmission, nominating, consent, Controlling, now);
        if (!consent)
        {
            if (pair.Transaction is { } previous)
            {
                _checks.Remove(previous);
            }

            pair.Transaction = id;
            if (pair.State != IceCandidatePairState.Succeeded)
            {
                pair.State = IceCandidatePairState.InProgress;
            }
        }

        pair.Local.Send(request, pair.Remote.EndPoint);
        return true;
    }

    private void PollRetransmissions(TimeSpan now)
    {
        List<StunTransactionId>? finished = null;
        foreach (var (id, check) in _checks)
        {
            switch (check.Retransmission.Poll(now))
            {
                case StunRetransmitDecision.Retransmit:
                    check.Pair.Local.Send(check.Request, check.Pair.Remote.EndPoint);
                    break;
                case StunRetransmitDecision.TimedOut:
                    (finished ??= []).Add(id);
                    if (!check.Consent && check.Pair.State == IceCandidatePairState.InProgress)
                    {
                        check.Pair.State = IceCandidatePairState.Failed;
                        Log.CheckFailed(_logger, check.Pair.ToString(), "timeout");
                    }

                    if (check.Pair.Transaction == id)
                    {
                        check.Pair.Transaction = null;
                    }

                    break;
                default:
                    break;
            }
        }

        foreach (var id in finished ?? [])
        {
            _checks.Remove(id);
        }
    }

    /// RFC 8445 §7.2.5: processing the response to one of our checks.
    private void HandleResponse(IceLocalBase localBase, IPEndPoint source, StunMessage response, TimeSpan now)
    {
        if (!_checks.TryGetValue(response.TransactionId, out var check))
        {
            return;
        }

        // Responses to ICE checks are authenticated with the peer's password (§7.2.5.1 for errors too).
        if (!response.VerifyMessageIntegrity(_remoteKey))
        {
            return;
        }

        _checks.Remove(response.TransactionId);
        var pair = check.Pair;
        if (pair.Transaction == response.TransactionId)
        {
            pair.Transaction = null;
        }

        // §7.2.5.2.1: the response must come from where the request went, on the same base.
        if (localBase != pair.Local || !source.Equals(pair.Remote.EndPoint))
        {
            if (!check.Consent)
            {
                pair.State = IceCandidatePairState.Failed;
            }

            Log.CheckFailed(_logger, pair.ToString(), "non-symmetric response from " + source);
            return;
        }

        if (response.Class == StunClass.ErrorResponse)
        {
            HandleErrorResponse(check, response);
            return;
        }

        pair.LastResponse = now;
        pair.ResponsesReceived++;
        pair.RoundTripTime = now - check.SentAt;
        if (check.Consent)
        {
            if (pair == Selected)
            {
                _lastConsent = now;
            }

            return;
        }

        // §7.2.5.3.1: a mapped address unknown to us is a peer-reflexive local candidate of the same
        // base; we send from the base either way, so the valid pair is this one.
        pair.State = IceCandidatePairState.Succeeded;
        if (!Controlling)
        {
            if (pair.NominateOnSuccess)
            {
                Select(pair, now);
            }
        }
        else if (check.Nominating)
        {
            Select(pair, now);
        }
        else if (Selected is null)
        {
            // Regular nomination (§8.1.1): repeat the check with USE-CANDIDATE.
            _triggered.AddFirst(pair);
        }
    }

    private void HandleErrorResponse(Check check, StunMessage response)
    {
        if (!response.TryGetErrorCode(out var code, out var reason))
        {
            return;
        }

        // §7.2.5.1: 487 means our role was wrong; take the other one and check again.
        if (code == StunErrorCode.RoleConflict)
        {
            SwitchRole(!check.SentAsControlling, "487 from the peer");
            if (!check.Consent)
            {
                check.Pair.State = IceCandidatePairState.Waiting;
                EnqueueTriggered(check.Pair);
            }

            return;
        }

        if (!check.Consent)
        {
            check.Pair.State = IceCandidatePairState.Failed;
        }

        Log.CheckFailed(_logger, check.Pair.ToString(), $"{code} {reason}");
    }

    /// RFC 7675 §5.1: a fresh Binding request on the selected pair every 5 s ± 20 %; consent is
    /// lost 30 s after the last authenticated response, and media must stop.
    private void PollConsent(TimeSpan now)
    {
        if (Selected is not { } pair)
        {
            return;
        }

        if (now >= _nextConsent)
        {
            _nextConsent = now + Jitter(_options.ConsentInterval);
            StartCheck(pair, now, nominating: false, consent: true);
        }

        if (now - _lastConsent > _options.ConsentTimeout)
        {
            Log.ConsentExpired(_logger, pair.ToString());
            Log.Failed(_logger, "consent expired");
            SetState(IceConnectionState.Failed);
            return;
        }

        // Liveness for the Disconnected state counts the peer's requests as well as responses.
        var lastHeard = Max(Max(pair.LastResponse, pair.LastRequest), _lastConsent);
        SetState(now - lastHeard > _options.DisconnectedTimeout ? IceConnectionState.Disconnected : IceConnectionState.Connected);
    }

    private void PollState(TimeSpan now)
    {
        if (Selected is not null || State != IceConnectionState.Checking)
        {
            return;
        }

        var allFailed = _pairs.Count > 0 && _pairs.TrueForAll(p => p.State == IceCandidatePairState.Failed);
        if (allFailed && RemoteEndOfCandidates)
        {
            Log.Failed(_logger, "every candidate pair failed after end-of-candidates");
            SetState(IceConnectionState.Failed);
        }
        else if (now - _checkingSince > _options.FailureTimeout)
        {
            Log.Failed(_logger, "no pair selected in time");
            SetState(IceConnectionState.Failed);
        }
    }

    /// The earliest moment <see cref="Poll"/> has something to do: the next paced check while
    /// pairs wait, retransmissions, consent, and the thresholds of the Disconnected/Failed rules.
    /// MaxValue when idle. The owner arms a timer with it instead of ticking at a fixed rate.
    public TimeSpan NextDeadline(TimeSpan now)
    {
        if (State is IceConnectionState.New or IceConnectionState.Closed or IceConnectionState.Failed || Remote is null)
        {
            return TimeSpan.MaxValue;
        }

        var next = TimeSpan.MaxValue;
        if (_triggered.Count > 0 || _pairs.Exists(p => p.State == IceCandidatePairState.Waiting))
        {
            next = _nextCheck > now ? _nextCheck : now;
        }

        foreach (var check in _checks.Values)
        {
            next = Min(next, check.Retransmission.Deadline);
        }

        if (Selected is { } pair)
        {
            next = Min(next, _nextConsent);
            next = Min(next, _lastConsent + _options.ConsentTimeout);
            var lastHeard = Max(Max(pair.LastResponse, pair.LastRequest), _lastConsent);
            if (State == IceConnectionState.Connected)
            {
                next = Min(next, lastHeard + _options.DisconnectedTimeout);
            }
        }
        else if (State == IceConnectionState.Checking)
        {
            next = Min(next, _checkingSince + _options.FailureTimeout);
        }

        return next;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
