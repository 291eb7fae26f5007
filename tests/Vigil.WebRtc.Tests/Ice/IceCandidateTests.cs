using System.Net;
using Vigil.WebRtc.Ice;

namespace Vigil.WebRtc.Tests.Ice;

public sealed class IceCandidateTests
{
    [Fact]
    public void Chromium_mdns_host_candidate_with_trailing_extensions_parses()
    {
        const string line = "candidate:180833644 1 udp 2113937151 cf3c6d61-2f3a-4b5c-8d9e-d4b495d9ac20.local 37434 typ host generation 0 ufrag 0ZVO network-cost 999";

        Assert.True(IceCandidate.TryParse(line, out var candidate));
        Assert.Equal("180833644", candidate.Foundation);
        Assert.Equal(1, candidate.Component);
        Assert.True(candidate.IsUdp);
        Assert.Equal(2113937151u, candidate.Priority);
        Assert.True(candidate.IsMdns);
        Assert.Null(candidate.EndPoint);
        Assert.Equal(37434, candidate.Port);
        Assert.Equal(IceCandidateType.Host, candidate.Type);
        Assert.Equal("0ZVO", candidate.UsernameFragment);
    }

    [Fact]
    public void Srflx_candidate_with_related_address_and_sdp_prefix_parses()
    {
        Assert.True(IceCandidate.TryParse("a=candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 198.18.0.2 rport 37434 generation 0 network-cost 999", out var candidate));
        Assert.Equal(IceCandidateType.ServerReflexive, candidate.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 61000), candidate.EndPoint);
        Assert.Equal("198.18.0.2", candidate.RelatedAddress);
        Assert.Equal(37434, candidate.RelatedPort);
    }

    [Fact]
    public void Tcp_candidates_parse_but_are_marked_as_not_udp()
    {
        Assert.True(IceCandidate.TryParse("candidate:1 1 tcp 1518280447 198.18.0.2 9 typ host tcptype active generation 0", out var candidate));
        Assert.False(candidate.IsUdp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("candidate:")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 5 typ")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 5 type host")]
    [InlineData("candidate:1 0 udp 1 1.2.3.4 5 typ host")]
    [InlineData("candidate:1 1 udp -1 1.2.3.4 5 typ host")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 70000 typ host")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 5 typ mystery")]
    [InlineData("candidate:f*o 1 udp 1 1.2.3.4 5 typ host")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 5 typ srflx raddr 1.2.3.4 rport x")]
    public void Malformed_candidate_lines_are_rejected(string line)
    {
        Assert.False(IceCandidate.TryParse(line, out _));
    }

    [Fact]
    public void Local_candidates_format_per_rfc8839()
    {
        var host = new IceCandidate("1", 1, "udp", 2130706431, "198.18.0.1", 50000, IceCandidateType.Host);
        var relay = new IceCandidate("3", 1, "udp", 16777215, "198.18.0.9", 50001, IceCandidateType.Relay, "198.18.0.1", 50000);

        Assert.Equal("candidate:1 1 udp 2130706431 198.18.0.1 50000 typ host", host.ToAttributeValue());
        Assert.Equal("candidate:3 1 udp 16777215 198.18.0.9 50001 typ relay raddr 198.18.0.1 rport 50000", relay.ToAttributeValue());
        Assert.True(IceCandidate.TryParse(relay.ToAttributeValue(), out var back));
        Assert.Equal(relay, back);
    }

    [Fact]
    public void Random_candidate_text_never_throws()
    {
        var random = new FuzzRandom(8839);
        const string valid = "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 198.18.0.2 rport 37434 generation 0";
        for (var i = 0; i < 5000; i++)
        {
            var chars = valid.ToCharArray();
            for (var k = random.Next(1, 5); k > 0; k--)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            }

            _ = IceCandidate.TryParse(new string(chars)[..random.Next(chars.Length + 1)], out _);
        }
    }
}
