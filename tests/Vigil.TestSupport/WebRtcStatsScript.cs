namespace Vigil.TestSupport;

/// <summary>
/// The page script that reads <c>RTCPeerConnection.getStats()</c> into the JSON shape of
/// <see cref="WebRtcViewerStats"/>: <c>window.vigilStatsOf(pc)</c>. Shared by the viewer pages.
/// </summary>
internal static class WebRtcStatsScript
{
    public const string Script = """
        window.vigilStatsOf = async (pc) => {
          const report = await pc.getStats();
          const s = { iceState: pc.iceConnectionState, connectionState: pc.connectionState };
          let transport, inbound, codecs = {};
          report.forEach(r => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r;
            if (r.type === 'transport') transport = r;
            if (r.type === 'codec') codecs[r.id] = r;
          });
          if (inbound) {
            Object.assign(s, {
              framesDecoded: inbound.framesDecoded || 0, keyFramesDecoded: inbound.keyFramesDecoded || 0,
              framesDropped: inbound.framesDropped || 0, freezeCount: inbound.freezeCount || 0,
              packetsReceived: inbound.packetsReceived || 0, packetsLost: inbound.packetsLost || 0,
              nackCount: inbound.nackCount || 0, pliCount: inbound.pliCount || 0, firCount: inbound.firCount || 0,
              frameWidth: inbound.frameWidth || 0, frameHeight: inbound.frameHeight || 0 });
            const codec = codecs[inbound.codecId];
            if (codec) { s.mimeType = codec.mimeType; s.sdpFmtpLine = codec.sdpFmtpLine; }
          }
          if (transport) {
            Object.assign(s, { dtlsState: transport.dtlsState, dtlsRole: transport.dtlsRole, srtpCipher: transport.srtpCipher, tlsVersion: transport.tlsVersion });
            const pair = report.get(transport.selectedCandidatePairId);
            if (pair) {
              s.pairState = pair.state; s.pairNominated = !!pair.nominated;
              const local = report.get(pair.localCandidateId), remote = report.get(pair.remoteCandidateId);
              s.localCandidateType = local && local.candidateType; s.remoteCandidateType = remote && remote.candidateType;
            }
          }
          return JSON.stringify(s);
        };
        true;
        """;
}
