using Vigil.WebRtc.H264;
using Vigil.WebRtc.Sdp;

namespace Vigil.WebRtc.Tests.Sdp;

public sealed class SdpNegotiationTests
{
    internal static string ChromiumOffer => TestVectors.Text("Sdp/chromium156-offer.sdp");

    internal static SdpAnswerParameters FixedLocal => new(
        SessionId: 5280631479216342001,
        Version: 1,
        IceUfrag: "Qx7k9Lm2",
        IcePwd: "3yF+vR8kP2mZt6nW1bXq0sLd",
        Fingerprint: "sha-256 " + string.Join(':', Enumerable.Range(0, 32).Select(i => (i * 7 % 256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture))),
        Ssrc: 2893447781,
        Cname: "cam0",
        StreamId: "cam0",
        TrackId: "cam0-video");

    [Fact]
    public void Chromium_156_offer_is_parsed()
    {
        var offer = SdpSessionDescription.Parse(ChromiumOffer);

        Assert.Equal(2, offer.Media.Count);
        Assert.Equal(["BUNDLE 0 1"], offer.Values("group"));
        var video = offer.Media[0];
        Assert.Equal("video", video.Media);
        Assert.Equal("UDP/TLS/RTP/SAVPF", video.Protocol);
        Assert.Equal(34, video.Formats.Count);
        Assert.Equal("0", video.Mid);
        Assert.Equal("recvonly", video.Direction);
        Assert.Equal("OQu7", video.Value("ice-ufrag"));
        Assert.Equal("UEr+SwwyRWwK8k66jkbNS5yK", video.Value("ice-pwd"));
        Assert.Equal("H264/90000", video.RtpMap("108"));
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.Fmtp("108"));
        Assert.Contains("nack pli", video.RtcpFeedback("108"));
        Assert.Equal("audio", offer.Media[1].Media);
    }

    [Theory]
    [InlineData(H264Profile.ConstrainedBaseline, 108)]
    [InlineData(H264Profile.Baseline, 102)]
    [InlineData(H264Profile.Main, 116)]
    [InlineData(H264Profile.PredictiveHigh444, 41)]
    public void The_packetization_mode_1_payload_type_of_the_stream_profile_is_chosen(H264Profile profile, int expected)
    {
        var negotiation = SdpNegotiation.Negotiate(SdpSessionDescription.Parse(ChromiumOffer), profile);

        Assert.Equal(expected, negotiation.Video.PayloadType);
        Assert.True(negotiation.Video.Nack);
        Assert.True(negotiation.Video.Pli);
        Assert.True(negotiation.Video.Fir);
        Assert.Equal("OQu7", negotiation.RemoteUfrag);
        Assert.Equal("sha-256", Assert.Single(negotiation.RemoteFingerprints).Algorithm);
    }

    [Fact]
    public void A_stream_sps_42c01e_maps_to_the_constrained_baseline_entry()
    {
        Assert.True(H264ProfileLevelId.TryParse("42c01e", out var fromSps));
        Assert.True(H264ProfileLevelId.TryParse("42e01f", out var offered));
        Assert.Equal(H264Profile.ConstrainedBaseline, fromSps.Profile);
        Assert.Equal(offered.Profile, fromSps.Profile);
    }

    [Fact]
    public void A_re_offer_keeps_the_previous_payload_type_when_still_offered()
    {
        var offer = SdpSessionDescription.Parse(ChromiumOffer.Replace("a=rtpmap:108 H264", "a=rtpmap:108 H264", StringComparison.Ordinal));
        var first = SdpNegotiation.Negotiate(offer, H264Profile.ConstrainedBaseline);
        // Pretend we had chosen the other constrained-baseline pm=1 entry earlier.
        var extra = ChromiumOffer
            .Replace("m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 9 UDP/TLS/RTP/SAVPF 125 96", StringComparison.Ordinal)
            .Replace("a=rtpmap:96 VP8/90000", "a=rtpmap:125 H264/90000\r\na=fmtp:125 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\na=rtpmap:96 VP8/90000", StringComparison.Ordinal);

        var fresh = SdpNegotiation.Negotiate(SdpSessionDescription.Parse(extra), H264Profile.ConstrainedBaseline);
        var again = SdpNegotiation.Negotiate(SdpSessionDescription.Parse(extra), H264Profile.ConstrainedBaseline, preferredPayloadType: first.Video.PayloadType);

        Assert.Equal(125, fresh.Video.PayloadType);
        Assert.Equal(108, again.Video.PayloadType);
    }

    [Fact]
    public void An_offer_with_only_packetization_mode_0_is_refused()
    {
        var offer = string.Join("\r\n", ChromiumOffer.Split("\r\n")
            .Where(l => !l.Contains("packetization-mode=1", StringComparison.Ordinal)));

        var error = Assert.Throws<SdpException>(() => SdpNegotiation.Negotiate(SdpSessionDescription.Parse(offer), H264Profile.ConstrainedBaseline));
        Assert.Contains("packetization-mode=1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=setup:actpass", "a=setup:active")]
    [InlineData("a=rtcp-mux\r\n", "")]
    [InlineData("a=ice-pwd:UEr+SwwyRWwK8k66jkbNS5yK\r\n", "")]
    [InlineData("a=recvonly", "a=sendonly")]
    public void Offers_this_sender_cannot_answer_are_refused(string from, string to)
    {
        var offer = ChromiumOffer.Replace(from, to, StringComparison.Ordinal);
        Assert.Throws<SdpException>(() => SdpNegotiation.Negotiate(SdpSessionDescription.Parse(offer), H264Profile.ConstrainedBaseline));
    }

    [Fact]
    public void Answer_follows_the_rules_chromium_enforces()
    {
        var negotiation = SdpNegotiation.Negotiate(SdpSessionDescription.Parse(ChromiumOffer), H264Profile.ConstrainedBaseline);
        var answer = SdpAnswerBuilder.Build(negotiation, FixedLocal);
        var parsed = SdpSessionDescription.Parse(answer);

        Assert.All(answer.Split("\r\n")[..^1], line => Assert.NotEmpty(line));
        Assert.EndsWith("\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(2, parsed.Media.Count);
        Assert.Equal(["0", "1"], parsed.Media.Select(m => m.Mid));
        Assert.Equal(["BUNDLE 0"], parsed.Values("group"));

        var video = parsed.Media[0];
        Assert.Equal(["108"], video.Formats);
        Assert.Equal("UDP/TLS/RTP/SAVPF", video.Protocol);
        Assert.Equal("active", video.Value("setup"));
        Assert.Equal("sendonly", video.Direction);
        Assert.True(video.Has("rtcp-mux"));
        Assert.InRange(video.Value("ice-pwd")!.Length, 22, 256);
        Assert.InRange(video.Value("ice-ufrag")!.Length, 4, 256);
        Assert.Equal("H264/90000", video.RtpMap("108"));
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.Fmtp("108"));
        Assert.Equal(["nack", "nack pli", "ccm fir"], video.RtcpFeedback("108"));
        Assert.False(video.Has("extmap"));
        Assert.Equal("cam0 cam0-video", video.Value("msid"));

        var audio = parsed.Media[1];
        Assert.Equal(0, audio.Port);
        Assert.Equal("audio", audio.Media);
    }

    [Fact]
    public void Answer_matches_the_reviewed_golden_file()
    {
        var negotiation = SdpNegotiation.Negotiate(SdpSessionDescription.Parse(ChromiumOffer), H264Profile.ConstrainedBaseline);
        var answer = SdpAnswerBuilder.Build(negotiation, FixedLocal);

        Assert.Equal(TestVectors.Text("Sdp/chromium156-answer.golden.sdp").ReplaceLineEndings("\r\n"), answer);
    }

    [Fact]
    public void Truncated_offers_only_raise_sdp_exceptions()
    {
        var offer = ChromiumOffer;
        for (var length = 0; length < offer.Length; length += 7)
        {
            try
            {
                SdpNegotiation.Negotiate(SdpSessionDescription.Parse(offer[..length]), H264Profile.ConstrainedBaseline);
            }
            catch (SdpException)
            {
            }
        }
    }

    [Fact]
    public void Random_and_oversized_input_only_raises_sdp_exceptions()
    {
        var random = new FuzzRandom(8866);
        var lines = ChromiumOffer.Split("\r\n");
        for (var i = 0; i < 3000; i++)
        {
            string input;
            if (i % 3 == 0)
            {
                input = new string(random.Bytes(random.Next(0, 400)).Select(b => (char)(b % 96 + 10)).ToArray());
            }
            else
            {
                // Shuffle, drop and corrupt lines of a real offer.
                var chosen = lines.Where(_ => random.Next(10) > 0).Select(l =>
                    random.Next(8) == 0 && l.Length > 2 ? l[..random.Next(1, l.Length)] : l);
                input = string.Join("\r\n", chosen);
            }

            try
            {
                SdpNegotiation.Negotiate(SdpSessionDescription.Parse(input), H264Profile.ConstrainedBaseline);
            }
            catch (SdpException)
            {
            }
        }

        Assert.Throws<SdpException>(() => SdpSessionDescription.Parse("v=0\r\n" + new string('a', 300 * 1024)));
    }
}
