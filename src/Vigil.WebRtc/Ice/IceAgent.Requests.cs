using System.Net;
using Vigil.WebRtc.Stun;

namespace Vigil.WebRtc.Ice;

internal sealed partial class IceAgent
{
    /// RFC 8445 §7.3: answering the peer's connectivity checks.
    private void HandleRequest(IceLocalBase localBase, IPEndPoint source, StunMessage request, TimeSpan now)
    {
        // §7.3 / RFC 8489 §9.1.3: FINGERPRINT, USERNAME = "<our ufrag>:<their ufrag>", MI with our pwd.
        if (!request.VerifyFingerprint())
        {
            return;
        }

        if (!request.TryGetString(StunAttributeType.Username, out var username) || !request.HasMessageIntegrity)
        {
            Reject(localBase, source, request, StunErrorCode.BadRequest, "Bad Request", authenticate: false);
            return;
        }

        var colon = username.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || username[..colon] != Local.Ufrag || !request.VerifyMessageIntegrity(_localKey))
        {
            Reject(localBase, source, request, StunErrorCode.Unauthorized, "Unauthorized", authenticate: false);
            return;
        }

        var unknown = request.UnknownComprehensionRequired();
        if (unknown.Count > 0)
        {
            Reject(localBase, source, request, StunErrorCode.UnknownAttribute, "Unknown Attribute", authenticate: true, unknown);
            return;
        }

        if (!ResolveRoleConflict(localBase, source, request))
        {
            return;
        }

        var response = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, request.TransactionId)
            .AddXorAddress(StunAttributeType.XorMappedAddress, source)
            .AddMessageIntegrity(_localKey)
            .AddFingerprint();
        localBase.Send(response.Written, source);

        // §7.3.1.3: an unknown source address is a peer-reflexive candidate with the request's PRIORITY.
        var remote = _remotes.Find(r => r.EndPoint.Equals(source));
        if (remote is null)
        {
            request.TryGetUInt32(StunAttributeType.Priority, out var priority);
            var candidate = new IceCandidate("prflx" + (++_prflxCounter), 1, "udp", priority, source.Address.ToString(), source.Port, IceCandidateType.PeerReflexive);
            remote = new IceRemoteCandidate(candidate, source);
            _remotes.Add(remote);
            Log.PeerReflexiveLearned(_logger, source);
            foreach (var other in _bases)
            {
                AddPair(other, remote);
            }
        }

        var pair = _pairs.Find(p => p.Local == localBase && p.Remote.EndPoint.Equals(source));
        if (pair is null)
        {
            return; // e.g. an address family mismatch; answered, nothing to check.
        }

        pair.LastRequest = now;
        pair.RequestsReceived++;

        // §7.3.1.4: a triggered check on every pair that has not succeeded yet.
        if (pair.State is not (IceCandidatePairState.Succeeded or IceCandidatePairState.InProgress))
        {
            if (pair.State == IceCandidatePairState.Failed)
            {
                pair.State = IceCandidatePairState.Waiting;
            }

            EnqueueTriggered(pair);
        }

        // §7.3.1.5: USE-CANDIDATE from the controlling agent nominates the pair; if our own check
        // has not succeeded yet, select it when it does. A later nomination of another pair wins.
        if (!Controlling && request.HasAttribute(StunAttributeType.UseCandidate))
        {
            if (pair.State == IceCandidatePairState.Succeeded)
            {
                Select(pair, now);
            }
            else
            {
                pair.NominateOnSuccess = true;
            }
        }
    }

    /// §7.3.1.1: returns false when the request was answered with 487.
    private bool ResolveRoleConflict(IceLocalBase localBase, IPEndPoint source, StunMessage request)
    {
        if (Controlling && request.TryGetUInt64(StunAttributeType.IceControlling, out var theirs))
        {
            if (TieBreaker >= theirs)
            {
                Reject(localBase, source, request, StunErrorCode.RoleConflict, "Role Conflict", authenticate: true);
                return false;
            }

            SwitchRole(controlling: false, "peer is controlling with a larger tie-breaker");
        }
        else if (!Controlling && request.TryGetUInt64(StunAttributeType.IceControlled, out theirs))
        {
            if (TieBreaker >= theirs)
            {
                SwitchRole(controlling: true, "peer is controlled too, our tie-breaker is larger");
            }
            else
            {
                Reject(localBase, source, request, StunErrorCode.RoleConflict, "Role Conflict", authenticate: true);
                return false;
            }
        }

        return true;
    }

    private void SwitchRole(bool controlling, string reason)
    {
        if (Controlling == controlling)
        {
            return;
        }

        Controlling = controlling;
        Log.RoleSwitched(_logger, controlling ? "controlling" : "controlled", reason);
        Reprioritise();
    }

    private void Reject(IceLocalBase localBase, IPEndPoint source, StunMessage request, int code, string reason, bool authenticate, IReadOnlyList<ushort>? unknown = null)
    {
        Log.RequestRejected(_logger, source, code);
        var response = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, request.TransactionId).AddErrorCode(code, reason);
        if (unknown is not null)
        {
            response.AddUnknownAttributes(unknown);
        }

        if (authenticate)
        {
            response.AddMessageIntegrity(_localKey);
        }

        response.AddFingerprint();
        localBase.Send(response.Written, source);
    }

    private void EnqueueTriggered(IceCandidatePair pair)
    {
        if (!_triggered.Contains(pair))
        {
            _triggered.AddLast(pair);
        }
    }
}
