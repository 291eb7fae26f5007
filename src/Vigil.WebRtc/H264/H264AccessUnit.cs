namespace Vigil.WebRtc.H264;

/// <summary>One H.264 access unit (a coded picture with its parameter sets and SEI) in Annex-B form.</summary>
public sealed class H264AccessUnit
{
    /// <summary>Creates an access unit from Annex-B bytes (NAL units each preceded by a start code).</summary>
    /// <param name="annexB">The access unit's bytes.</param>
    public H264AccessUnit(ReadOnlyMemory<byte> annexB)
    {
        Data = annexB;
        foreach (var nal in AnnexB.Split(annexB))
        {
            var type = H264NalUnitType.Of(nal.Span);
            IsKeyframe |= type == H264NalUnitType.Idr;
            if (type == H264NalUnitType.Sps)
            {
                HasParameterSets = true;
                if (H264SequenceParameterSet.TryParse(nal.Span, out var sps))
                {
                    Profile = sps.ProfileLevelId.Profile;
                }
            }
        }
    }

    /// <summary>The Annex-B bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>True when the access unit holds an IDR picture (a viewer can start decoding here).</summary>
    public bool IsKeyframe { get; }

    /// <summary>True when a sequence parameter set is part of the access unit.</summary>
    public bool HasParameterSets { get; }

    /// <summary>
    /// The profile its sequence parameter set declares, as WebRTC negotiates it (pass it to
    /// <see cref="VideoTrackSettings.Profile"/>); null without an SPS or for a profile WebRTC has no name for.
    /// </summary>
    public H264Profile? Profile { get; }
}
