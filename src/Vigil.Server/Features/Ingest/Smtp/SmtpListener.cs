using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Server.Hosting.ProxyProtocol;

namespace Vigil.Server.Features.Ingest.Smtp;

/// <summary>
/// The SMTP listener of <c>vigil serve</c> (<c>Ingest:SmtpPort</c> on <c>Server:ListenAddress</c>):
/// accepts connections, enforces <c>Ingest:MaxConnectionsPerIp</c>, and runs one
/// <see cref="SmtpSession"/> per connection. Stopping closes the listener and tells open
/// sessions "421 shutting down".
/// </summary>
internal sealed partial class SmtpListener(
    IOptions<IngestOptions> ingestOptions,
    IOptions<ServerOptions> serverOptions,
    SmtpSessionDependencies dependencies,
    TrustedProxies proxies,
    ILogger<SmtpListener> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan ProxyHeaderTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task? _acceptLoop;

    /// <summary>Where the listener is bound (the real port when <c>Ingest:SmtpPort</c> is 0).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var port = ingestOptions.Value.SmtpPort;
        var address = serverOptions.Value.ListenAddress switch
        {
            "*" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            var a => IPAddress.Parse(a),
        };
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new StartupException(
                e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"port {port} is already in use on {serverOptions.Value.ListenAddress} (Ingest:SmtpPort); stop the other program or choose another port"
                    : $"cannot listen for SMTP on {serverOptions.Value.ListenAddress}:{port} (Ingest:SmtpPort): {e.Message}",
                e);
        }

        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        Log.Listening(logger, LocalEndPoint);
        _acceptLoop = Task.Run(() => AcceptAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket!.AcceptAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (!stopping.IsCancellationRequested)
            {
                Log.AcceptFailed(logger, e.Message);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var session = Task.Run(() => ServeAsync(client, stopping), CancellationToken.None);
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(t => _sessions.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        client.NoDelay = true;
        var stream = new NetworkStream(client, ownsSocket: true);
        if (!proxies.None && proxies.Contains(remote.Address))
        {
            // A trusted balancer's connection: the client's address comes first, in the PROXY protocol header.
            if (await ReadProxyHeaderAsync(stream, remote, stopping) is not { } named)
            {
                await stream.DisposeAsync();
                return;
            }

            remote = named;
        }

        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var count = _perAddress.AddOrUpdate(address, 1, (_, n) => n + 1);
        try
        {
            if (count > ingestOptions.Value.MaxConnectionsPerIp)
            {
                Log.TooManyConnections(logger, address, count - 1);
                await using (stream)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), dependencies.Time);
                    await stream.WriteAsync("421 4.7.0 Too many connections from your address\r\n"u8.ToArray(), timeout.Token);
                }

                return;
            }

            using var session = new SmtpSession(stream, new IPEndPoint(address, remote.Port), dependencies, logger);
            dependencies.Metrics.SessionOpened();
            try
            {
                await session.RunAsync(stopping);
            }
            finally
            {
                dependencies.Metrics.SessionClosed();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.SessionEnded(logger, address, e.Message);
        }
        catch (Exception e)
        {
            Log.SessionFailed(logger, e, address);
        }
        finally
        {
            if (_perAddress.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0)
            {
                _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
            }
        }
    }

    /// <summary>The client the balancer's header names (the balancer itself for its health checks); null when refused.</summary>
    private async Task<IPEndPoint?> ReadProxyHeaderAsync(NetworkStream stream, IPEndPoint balancer, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(ProxyHeaderTimeout);
        ProxyHeader header;
        try
        {
            header = await ProxyProtocolReader.ReadAsync(stream, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            header = new ProxyHeader(null, null, 0, stopping.IsCancellationRequested ? "stopping" : $"no PROXY protocol header within {ProxyHeaderTimeout.TotalSeconds:0} s ({e.GetType().Name})");
        }

        if (header.Error is { } error)
        {
            Log.ProxyHeaderRefused(logger, balancer, error);
            return null;
        }

        return header.Source ?? balancer;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _socket?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(_sessions.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "SMTP ingest listening on {EndPoint}")]
        public static partial void Listening(ILogger logger, IPEndPoint endPoint);

        [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "SMTP: refused a connection from {Address}, which already has {Count} open")]
        public static partial void TooManyConnections(ILogger logger, IPAddress address, int count);

        [LoggerMessage(EventId = 7112, Level = LogLevel.Warning, Message = "SMTP: accept failed: {Reason}")]
        public static partial void AcceptFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 7113, Level = LogLevel.Debug, Message = "SMTP {Address}: session ended: {Reason}")]
        public static partial void SessionEnded(ILogger logger, IPAddress address, string reason);

        [LoggerMessage(EventId = 7114, Level = LogLevel.Error, Message = "SMTP {Address}: session failed")]
        public static partial void SessionFailed(ILogger logger, Exception exception, IPAddress address);

        [LoggerMessage(EventId = 7115, Level = LogLevel.Warning, Message = "SMTP: connection from the load balancer {Balancer} closed: {Reason} (Server:ProxyProtocolFrom lists it; set send-proxy-v2 on its server lines, or remove it from the list)")]
        public static partial void ProxyHeaderRefused(ILogger logger, IPEndPoint balancer, string reason);
    }
}
