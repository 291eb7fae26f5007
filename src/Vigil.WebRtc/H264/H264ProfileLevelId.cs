using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vigil.WebRtc.H264;

/// The `profile-level-id` fmtp parameter (RFC 6184 §8.1): profile_idc, the constraint-flag byte
/// (profile-iop) and level_idc as six hex digits. Two descriptions are the same profile when they
/// map to the same <see cref="H264Profile"/> (RFC 6184 §8.2.2 compares profiles, not bytes:
/// `42e01f` and `42c01e` are both Constrained Baseline).
internal readonly record struct H264ProfileLevelId(byte ProfileIdc, byte ProfileIop, byte LevelIdc)
{
    public static bool TryParse(string? text, out H264ProfileLevelId value)
    {
        value = default;
        if (text is null || text.Length != 6 || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        value = new H264ProfileLevelId((byte)(bits >> 16), (byte)(bits >> 8), (byte)bits);
        return true;
    }

    /// The profile class, using the same (profile_idc, profile-iop mask) table as libwebrtc's
    /// h264_profile_level_id.cc; null for combinations WebRTC does not negotiate.
    public H264Profile? Profile
    {
        get
        {
            foreach (var (idc, pattern, profile) in Patterns)
            {
                if (ProfileIdc == idc && Matches(pattern, ProfileIop))
                {
                    return profile;
                }
            }

            return null;
        }
    }

    public override string ToString() => $"{ProfileIdc:x2}{ProfileIop:x2}{LevelIdc:x2}";

    [SuppressMessage("Performance", "CA1861:Avoid constant arrays as arguments", Justification = "Static table.")]
    private static readonly (byte Idc, string Pattern, H264Profile Profile)[] Patterns =
    [
        (0x42, "x1xx0000", H264Profile.ConstrainedBaseline),
        (0x4D, "1xxx0000", H264Profile.ConstrainedBaseline),
        (0x58, "11xx0000", H264Profile.ConstrainedBaseline),
        (0x42, "x0xx0000", H264Profile.Baseline),
        (0x58, "10xx0000", H264Profile.Baseline),
        (0x4D, "0x0x0000", H264Profile.Main),
        (0x64, "00000000", H264Profile.High),
        (0x64, "00001100", H264Profile.ConstrainedHigh),
        (0xF4, "00000000", H264Profile.PredictiveHigh444),
    ];

    private static bool Matches(string pattern, byte iop)
    {
        for (var bit = 0; bit < 8; bit++)
        {
            var expected = pattern[bit];
            var actual = (iop >> (7 - bit)) & 1;
            if (expected != 'x' && expected - '0' != actual)
            {
                return false;
            }
        }

        return true;
    }
}
