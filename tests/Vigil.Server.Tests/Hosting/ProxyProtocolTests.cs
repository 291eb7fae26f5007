using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// Behind HAProxy (Debian's, with <c>send-proxy-v2</c> and <c>send-proxy</c>), a node sees each client's own address:
/// per-address limits count clients, not the balancer. Clients connect from other loopback addresses (127.0.0.2, …)
/// so that the balancer's address (127.0.0.1) and theirs differ on one machine.
/// </summary>
public sealed class ProxyProtocolTests
{
    private static readonly IPAddress Alice = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Bob = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Direct = IPAddress.Parse("127.0.0.5");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behind_haproxy_limits_and_requests_see_each_clients_address_and_the_balancer_must_send_the_header()
    {
        await using var vigil = await StartAsync();
        using var files = new TempDirectory("haproxy");
        var smtpFront = VigilExecutable.FreePort();
        var httpsFront = VigilExecutable.FreePort();
        await using var haproxy = await Haproxy.StartAsync(files, $"""
            global
                log stdout format raw local0
            defaults
                mode tcp
                log global
                timeout connect 5s
                timeout client 60s
                timeout server 60s
            frontend smtp
                bind 127.0.0.1:{smtpFront}
                default_backend vigil_smtp
            backend vigil_smtp
                server node1 127.0.0.1:{vigil.Smtp.Port} send-proxy-v2
            frontend https
                bind 127.0.0.1:{httpsFront}
                default_backend vigil_https
            backend vigil_https
                server node1 127.0.0.1:{vigil.Https.Port} send-proxy

            """, [smtpFront, httpsFront], Ct);
        var balancedSmtp = new IPEndPoint(IPAddress.Loopback, smtpFront);

        // SMTP through HAProxy (v2 header): Alice's third message in the minute is refused, Bob's first is not.
        var alice = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            alice.Add(await MailFromAsync(balancedSmtp, Alice));
        }

        var bob = await MailFromAsync(balancedSmtp, Bob);

        // HTTPS through HAProxy (v1 header), and directly from an address that is not a balancer.
        var throughBalancer = await RemoteAddressAsync(vigil, httpsFront, Alice);
        var direct = await RemoteAddressAsync(vigil, vigil.Https.Port, Direct);

        // The balancer's own address without a header is refused at once: nothing is served to it as if it were a client.
        var bareFromBalancer = await Assert.ThrowsAsync<HttpRequestException>(() => RemoteAddressAsync(vigil, vigil.Https.Port, IPAddress.Loopback));
        var smtpFromBalancer = await Assert.ThrowsAsync<IOException>(() => SmtpScript.ConnectAsync(vigil.Smtp, IPAddress.Loopback, "EHLO balancer\r\n"u8.ToArray(), Ct));

        Assert.Equal(["250", "250", "450"], alice.Select(r => r[..3]));
        Assert.StartsWith("250", bob, StringComparison.Ordinal);
        Assert.Equal("127.0.0.2", throughBalancer);
        Assert.Equal("127.0.0.5", direct);
        Assert.Contains("closed the connection", smtpFromBalancer.Message, StringComparison.Ordinal);
        Assert.NotNull(bareFromBalancer);
    }

    [Fact]
    public async Task A_client_that_is_not_a_trusted_balancer_cannot_name_an_address()
    {
        await using var vigil = await StartAsync();

        // From 127.0.0.2 (not in Server:ProxyProtocolFrom) a header is just a line of SMTP: an unknown command.
        await using var smtp = await SmtpScript.ConnectAsync(vigil.Smtp, Alice, preamble: null, Ct);
        var reply = await smtp.SendAsync("PROXY TCP4 198.51.100.9 127.0.0.1 40000 25", Ct);

        Assert.StartsWith("5", reply, StringComparison.Ordinal);
    }

    private static Task<RunningVigil> StartAsync() =>
        RunningVigil.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Server:ProxyProtocolFrom:0"] = "127.0.0.1/32",
                ["Ingest:MaxMessagesPerIpPerMinute"] = "2",
            },
            endpoints: app => app.MapGet("/test/remote-address", (HttpContext context) => context.Connection.RemoteIpAddress!.ToString()).AllowAnonymous(),
            cancellationToken: Ct);

    private static async Task<string> MailFromAsync(IPEndPoint server, IPAddress from)
    {
        await using var smtp = await SmtpScript.ConnectAsync(server, from, preamble: null, Ct);
        Assert.StartsWith("250", await smtp.SendAsync("EHLO camera.example", Ct), StringComparison.Ordinal);
        return await smtp.SendAsync("MAIL FROM:<camera@example.com>", Ct);
    }

    /// <summary>GET /test/remote-address over HTTPS to 127.0.0.1:<paramref name="port"/>, connecting from <paramref name="from"/>.</summary>
    private static async Task<string> RemoteAddressAsync(RunningVigil vigil, int port, IPAddress from)
    {
        using var handler = VigilTrust.Handler(vigil.RootCertificate);
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var address = new UriBuilder(vigil.Https) { Port = port, Path = "/test/remote-address" }.Uri;
        return await client.GetStringAsync(address, Ct);
    }
}
