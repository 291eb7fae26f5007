using System.Net;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Hosting;

/// <summary>Where <c>/metrics</c> answers: the HTTP port by default, its own listener with <c>Metrics:Port</c>, nowhere when disabled.</summary>
public sealed class MetricsListenerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_metrics_port_metrics_move_there_and_that_listener_serves_nothing_else()
    {
        var port = VigilExecutable.FreePort();
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: Ct);
        using var http = new HttpClient();
        var metrics = new Uri($"http://127.0.0.1:{port}/");

        using var scraped = await http.GetAsync(new Uri(metrics, "/metrics"), Ct);
        using var healthThere = await http.GetAsync(new Uri(metrics, "/healthz"), Ct);
        using var onHttpPort = await http.GetAsync(new Uri(vigil.Http, "/metrics"), Ct);

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.StartsWith("text/plain", scraped.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("vigil_spool_entries", await scraped.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, healthThere.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onHttpPort.StatusCode);
    }

    [Fact]
    public async Task Disabled_metrics_answer_404_on_the_http_port()
    {
        await using var vigil = await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:Enabled"] = "false" }, cancellationToken: Ct);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(vigil.Http, "/metrics"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_metrics_listen_address_without_a_port_is_a_configuration_error()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await RunningVigil.StartAsync(settings: new Dictionary<string, string?> { ["Metrics:ListenAddress"] = "127.0.0.1" }, cancellationToken: Ct));

        Assert.Contains("Metrics:ListenAddress: needs Metrics:Port", error.Message, StringComparison.Ordinal);
    }
}
