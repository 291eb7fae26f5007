namespace Vigil.Agent.Media;

/// <summary>
/// One H.264 access unit from a source, in Annex-B form with its parameter sets in front of every
/// IDR, so that a keyframe alone is enough to start decoding.
/// </summary>
/// <param name="AnnexB">The NAL units, each after a start code. Never modified once published.</param>
/// <param name="Timestamp">Presentation time on the source's own clock (starts near zero for each run of the source).</param>
/// <param name="IsKeyframe">It holds an IDR picture: a viewer can start here.</param>
/// <param name="Generation">Which run of the source produced it; a restarted source starts a new generation with a new clock.</param>
internal sealed record MediaFrame(ReadOnlyMemory<byte> AnnexB, TimeSpan Timestamp, bool IsKeyframe, int Generation)
{
    public int Length => AnnexB.Length;
}
