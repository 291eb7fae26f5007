using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.TestSupport;

/// <summary>
/// The real web server, in this process, listening on 127.0.0.1 on free ports, with a fresh data
/// directory and database. Clients reach it over real sockets.
/// </summary>
internal sealed class RunningVigil : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly PostgresDatabase? _postgres;
    private readonly Dictionary<string, string?> _overrides;
    private readonly Action<IServiceCollection>? _services;
    private readonly Action<WebApplication>? _endpoints;
    private bool _stopped;

    private RunningVigil(WebApplication app, TempDirectory directory, PostgresDatabase? postgres, Dictionary<string, string?> overrides, Action<IServiceCollection>? services, Action<WebApplication>? endpoints)
    {
        _directory = directory;
        _postgres = postgres;
        _overrides = overrides;
        _services = services;
        _endpoints = endpoints;
        Attach(app);
    }

    /// <summary>Reads the ports and the CA of a started server.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(App), nameof(Http), nameof(Https), nameof(RootCertificate))]
    private void Attach(WebApplication app)
    {
        App = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // A separate metrics listener (Metrics:Port) is plain HTTP too; the HTTP API is the other one.
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Vigil.Server.Hosting.Metrics.MetricsOptions>>().Value.Port;
        Http = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal) && new Uri(a).Port != metricsPort));
        // The device-plane listeners (MQTT, credentials provider) and the front door are TLS too; the HTTPS API is the other one.
        var endpoints = app.Services.GetRequiredService<Vigil.Server.Hosting.DevicePlaneEndpoints>();
        FrontDoorPort = app.Services.GetRequiredService<Vigil.Server.Hosting.FrontDoor.FrontDoorEndpoint>().Port;
        var devicePorts = new[] { endpoints.Mqtt, endpoints.MqttAlpn, endpoints.CredentialsProvider }
            .Where(l => l?.EndPoint is System.Net.IPEndPoint).Select(l => ((System.Net.IPEndPoint)l!.EndPoint).Port).ToHashSet();
        if (FrontDoorPort is { } frontDoor)
        {
            devicePorts.Add(frontDoor);
        }

        Https = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal) && !devicePorts.Contains(new Uri(a).Port)));
        RootCertificate = app.Services.GetRequiredService<CertificateAuthority>().Certificate;
    }

    public WebApplication App { get; private set; }

    public Uri Http { get; private set; }

    public Uri Https { get; private set; }

    public X509Certificate2 RootCertificate { get; private set; }

    /// <summary>The front door's port (<c>Server:FrontDoorPort</c>), when it is on.</summary>
    public int? FrontDoorPort { get; private set; }

    public PostgresDatabase? Postgres => _postgres;

    public string DataPath => _directory.Path;

    /// <summary>The SMTP ingest listener's address (Snapshot AI).</summary>
    public System.Net.IPEndPoint Smtp => App.Services.GetRequiredService<Vigil.Server.Features.Ingest.Smtp.SmtpListener>().LocalEndPoint!;

    /// <summary>
    /// Starts a server; <c>prepareData</c> runs on its new data directory first (e.g. copies a cluster's keys into it);
    /// <c>endpoints</c> maps extra routes after Vigil's own (a test's stand-in for a route someone adds later).
    /// </summary>
    public static async Task<RunningVigil> StartAsync(string provider = "Sqlite", IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, Action<string>? prepareData = null, Action<WebApplication>? endpoints = null, CancellationToken cancellationToken = default)
    {
        var directory = new TempDirectory("server");
        prepareData?.Invoke(directory.Path);
        var (overrides, postgres) = await TestVigil.SettingsForAsync(provider, cancellationToken);
        overrides["Server:ListenAddress"] = "127.0.0.1";
        overrides["Server:HttpPort"] = "0";
        overrides["Server:HttpsPort"] = "0";
        // Snapshot AI: a free SMTP port, and never a model download in tests.
        overrides["Ingest:SmtpPort"] = "0";
        overrides["Vision:ModelUrl"] = "";
        overrides["Signaling:StunPort"] = "0";
        overrides["Provisioning:MqttPort"] = "0";
        overrides["CredentialsProvider:Port"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        WebApplication app;
        try
        {
            app = await StartAppAsync(directory.Path, overrides, services, endpoints, cancellationToken);
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }

        return new RunningVigil(app, directory, postgres, overrides, services, endpoints);
    }

    /// <summary>
    /// Stops the server as <c>vigil serve</c> stops and starts it again on the same data directory, database and
    /// settings (new free ports: read them again from this object). What a restart keeps, or loses, is what it tests.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await App.StopAsync(cancellationToken);
        await App.DisposeAsync();
        _stopped = true;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Attach(await StartAppAsync(_directory.Path, _overrides, _services, _endpoints, cancellationToken));
        _stopped = false;
    }

    private static async Task<WebApplication> StartAppAsync(string dataPath, Dictionary<string, string?> overrides, Action<IServiceCollection>? services, Action<WebApplication>? endpoints, CancellationToken cancellationToken)
    {
        var app = VigilHost.BuildWebApplication(new DataDirectory(dataPath), overrides, services);
        endpoints?.Invoke(app);
        try
        {
            await VigilHost.StartAsync(app, cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>An HTTP client that trusts exactly Vigil's root CA (and checks the host name).</summary>
    public HttpClient CreateClient(bool https = true) => CreateClient(RootCertificate, https ? Https : Http);

    public static HttpClient CreateClient(X509Certificate2 root, Uri baseAddress) =>
        new(VigilTrust.Handler(root)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
