namespace Vigil.TestSupport;

/// <summary>What <see cref="WebRtcViewerPage"/> extracts from <c>RTCPeerConnection.getStats()</c>: inbound video, transport, selected pair.</summary>
#pragma warning disable CS1591 // the property names are the W3C stats field names
public sealed record WebRtcViewerStats
{
    public long FramesDecoded { get; init; }

    public long KeyFramesDecoded { get; init; }

    public long FramesDropped { get; init; }

    public long FreezeCount { get; init; }

    public long PacketsReceived { get; init; }

    public long PacketsLost { get; init; }

    public long NackCount { get; init; }

    public long PliCount { get; init; }

    public long FirCount { get; init; }

    public int FrameWidth { get; init; }

    public int FrameHeight { get; init; }

    public string? MimeType { get; init; }

    public string? SdpFmtpLine { get; init; }

    public string? DtlsState { get; init; }

    public string? DtlsRole { get; init; }

    public string? SrtpCipher { get; init; }

    public string? TlsVersion { get; init; }

    public string? IceState { get; init; }

    public string? ConnectionState { get; init; }

    public string? PairState { get; init; }

    public bool PairNominated { get; init; }

    /// <summary>
    /// The selected pair is nominated and has passed its checks. Chromium (libwebrtc) sets a pair back to "in-progress"
    /// each time it sends a consent-freshness ping on it and to "succeeded" when the response comes, so a snapshot taken
    /// while a ping waits for its answer shows "in-progress" on a healthy pair (seen in a full run on a loaded machine).
    /// </summary>
    public bool PairNominatedAndChecked => PairNominated && PairState is "succeeded" or "in-progress";

    public string? LocalCandidateType { get; init; }

    public string? RemoteCandidateType { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"frames {FramesDecoded} (key {KeyFramesDecoded}, dropped {FramesDropped}, freezes {FreezeCount}) {FrameWidth}x{FrameHeight} {MimeType} [{SdpFmtpLine}], " +
        $"packets {PacketsReceived} lost {PacketsLost}, nack {NackCount} pli {PliCount} fir {FirCount}, " +
        $"ice {IceState}/{ConnectionState}, dtls {DtlsState} {DtlsRole} {TlsVersion} {SrtpCipher}, pair {PairState} nominated {PairNominated} {LocalCandidateType}->{RemoteCandidateType}";
}
#pragma warning restore CS1591
