using System.Text;
using Vigil.WebRtc.H264;
using Vigil.WebRtc.Ice;
using Vigil.WebRtc.Sdp;
using Vigil.WebRtc.Turn;

namespace Vigil.WebRtc.Tests;

/// The small text and bit parsers not covered by their own protocol's robustness tests (STUN,
/// SDP, RTCP, SRTP, ChannelData, DTLS records, Annex-B have theirs): every truncation of a valid
/// input, random input and oversized input may only produce their typed "no" (false), never throw.
public sealed class ParserRobustnessTests
{
    // x264 baseline 640x480 SPS (profile 66, constraints C0, level 30) and a High-profile one with
    // a scaling matrix flag and VUI, which walks the longer branch of the parser.
    private static readonly byte[] BaselineSps = Convert.FromHexString("6742C01EDA02800F6C0440000003004000000F03C60C92");
    private static readonly byte[] HighSps = Convert.FromHexString("6764001FACD9405005BA10000003001000000303C0F18319600000");

    [Fact]
    public void Sps_parser_handles_every_truncation_random_bits_and_oversized_input()
    {
        foreach (var sps in new[] { BaselineSps, HighSps })
        {
            for (var length = 0; length <= sps.Length; length++)
            {
                _ = H264SequenceParameterSet.TryParse(sps.AsSpan(0, length), out _);
            }
        }

        var random = new FuzzRandom(73211);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = random.Bytes(random.Next(0, 64));
            if (bytes.Length > 0)
            {
                bytes[0] = 0x67; // SPS header, so the bit reader runs on the random rest
            }

            _ = H264SequenceParameterSet.TryParse(bytes, out _);
        }

        // Huge Exp-Golomb codes (long zero runs) and a NAL far beyond any real SPS.
        byte[] zeros = [0x67, 0x42, 0xC0, 0x1E, .. new byte[200]];
        Assert.False(H264SequenceParameterSet.TryParse(zeros, out _));
        byte[] oversized = [0x67, .. random.Bytes(100_000)];
        Assert.False(H264SequenceParameterSet.TryParse(oversized, out _));
    }

    [Fact]
    public void Fingerprint_profile_level_id_and_server_uri_parsers_only_say_no()
    {
        const string fingerprint = "sha-256 8F:47:1A:6C:0B:93:2E:D1:55:0C:3B:AA:4E:71:90:12:E3:0F:5D:88:2C:A1:7B:64:09:FE:13:C2:D8:47:60:3A";
        const string uri = "turn:turn.example.net:3478?transport=udp";
        Assert.True(SdpFingerprint.TryParse(fingerprint, out _));
        Assert.True(TurnServerAddress.TryParse(uri, out _));
        Assert.True(H264ProfileLevelId.TryParse("42e01f", out _));

        foreach (var (valid, parse) in new (string, Func<string, bool>)[]
        {
            (fingerprint, text => SdpFingerprint.TryParse(text, out _)),
            (uri, text => TurnServerAddress.TryParse(text, out _)),
            ("42e01f", text => H264ProfileLevelId.TryParse(text, out _)),
        })
        {
            for (var length = 0; length < valid.Length; length++)
            {
                var truncated = valid[..length];
                var accepted = parse(truncated);
                // A shorter string is never a different valid fingerprint/profile-level-id.
                if (valid != uri)
                {
                    Assert.False(accepted, $"accepted truncation '{truncated}'");
                }
            }

            var random = new FuzzRandom((ulong)valid.Length);
            for (var i = 0; i < 5_000; i++)
            {
                var chars = valid.ToCharArray();
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(0, 0x3000);
                }

                _ = parse(new string(chars));
                _ = parse(RandomText(random, random.Next(0, 80)));
            }

            var oversized = parse(valid + new string(':', 100_000));
            Assert.False(valid != uri && oversized, "accepted an oversized value");
            Assert.False(parse(new string('A', 1_000_000)));
        }
    }

    [Fact]
    public void Candidate_parser_refuses_truncations_that_lose_required_fields_and_oversized_lines()
    {
        const string valid = "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 198.18.0.2 rport 37434 generation 0";
        Assert.True(IceCandidate.TryParse(valid, out _));
        var typ = valid.IndexOf(" typ srflx", StringComparison.Ordinal);
        for (var length = 0; length <= valid.Length; length++)
        {
            var accepted = IceCandidate.TryParse(valid[..length], out _);
            if (length < typ + " typ s".Length)
            {
                Assert.False(accepted, $"accepted '{valid[..length]}'");
            }
        }

        Assert.False(IceCandidate.TryParse("candidate:1 1 udp 1 " + new string('9', 100_000) + " 1 typ host", out _));
        Assert.False(IceCandidate.TryParse(string.Concat(Enumerable.Repeat("candidate:1 ", 50_000)), out _));
        _ = IceCandidate.TryParse(valid + string.Concat(Enumerable.Repeat(" k v", 50_000)), out _);
    }

    [Fact]
    public void Fmtp_parser_returns_a_dictionary_for_any_text()
    {
        var random = new FuzzRandom(6184);
        for (var i = 0; i < 5_000; i++)
        {
            Assert.NotNull(SdpFmtp.Parse(RandomText(random, random.Next(0, 120))));
        }

        Assert.Empty(SdpFmtp.Parse(new string(';', 100_000)));
        Assert.Equal("1", SdpFmtp.Parse("packetization-mode=1;;=;x")["packetization-mode"]);
    }

    private static string RandomText(FuzzRandom random, int length)
    {
        const string alphabet = "0123456789abcdefABCDEF:;= -_.?/@[]%\t\r\n\0\u00e9\u4e2d";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }
}
