using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Cameras;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Keeps Home Assistant's view of the cameras current: <c>vigil/status</c> <c>online</c> (retained)
/// at start and <c>offline</c> at a graceful stop; a retained discovery config per snapshot camera
/// at start and whenever one is added or renamed; an empty retained config (which makes Home
/// Assistant delete the entity) when one is removed. Cameras are added and removed by commands
/// that may run in another process, so the camera list is re-read every
/// <c>Integrations:CameraRefreshInterval</c>.
/// </summary>
internal sealed partial class HomeAssistantPublisher(
    IntegrationPublisher publisher,
    PersonSensor sensor,
    IServiceScopeFactory scopes,
    IOptions<IntegrationsOptions> options,
    TimeProvider time,
    ILogger<HomeAssistantPublisher> logger) : BackgroundService, IHostedLifecycleService
{
    public const string Manufacturer = "Vigil";
    public const string Model = "Snapshot camera";

    private static readonly string? Version = typeof(HomeAssistantPublisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];

    private readonly Dictionary<Guid, string> _published = [];
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.HomeAssistantDiscovery)
        {
            return;
        }

        await publisher.WaitUntilStartedAsync(stoppingToken);
        var online = false;
        using var timer = new PeriodicTimer(settings.CameraRefreshInterval, time);
        try
        {
            do
            {
                try
                {
                    if (!online)
                    {
                        await publisher.PublishAsync(IntegrationTopics.Status, Encoding.ASCII.GetBytes(IntegrationTopics.Online), retain: true, null, IntegrationReach.Node, stoppingToken);
                        online = true;
                    }

                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.RefreshFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Publishes "offline" when the server begins to stop. The host calls every service's
    /// StoppingAsync before any StopAsync, so the broker still runs and connected clients get the
    /// message before their connection closes, whatever order the services were registered in.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HomeAssistantDiscovery && publisher.IsAvailable)
        {
            try
            {
                await publisher.PublishAsync(IntegrationTopics.Status, Encoding.ASCII.GetBytes(IntegrationTopics.Offline), retain: true, null, IntegrationReach.Node, cancellationToken);
            }
            catch (IntegrationPublishException e)
            {
                Log.OfflineFailed(logger, e.Message);
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    /// <summary>Compares the camera list with what was published and publishes the differences (also called by tests).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<Camera> cameras;
            await using (var scope = scopes.CreateAsyncScope())
            {
                cameras = await scope.ServiceProvider.GetRequiredService<SnapshotCameraDirectory>().ListAsync(null, cancellationToken);
            }

            var prefix = options.Value.DiscoveryPrefix;
            foreach (var camera in cameras)
            {
                if (_published.TryGetValue(camera.Id, out var name) && name == camera.Name)
                {
                    continue;
                }

                await publisher.PublishAsync(IntegrationTopics.PersonDiscovery(prefix, camera.Id), Discovery(camera.Id, camera.Name), retain: true, "application/json", IntegrationReach.Node, cancellationToken);
                sensor.Report(new PersonSensorCommand(PersonSensorCommandKind.Ensure, camera.Id, time.GetUtcNow()));
                _published[camera.Id] = camera.Name;
                Log.Discovered(logger, camera.Id, camera.Name);
            }

            var current = cameras.Select(c => c.Id).ToHashSet();
            foreach (var gone in _published.Keys.Where(id => !current.Contains(id)).ToList())
            {
                await publisher.PublishAsync(IntegrationTopics.PersonDiscovery(prefix, gone), [], retain: true, null, IntegrationReach.Node, cancellationToken);
                sensor.Report(new PersonSensorCommand(PersonSensorCommandKind.Forget, gone, time.GetUtcNow()));
                _published.Remove(gone);
                Log.Removed(logger, gone);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public static byte[] Discovery(Guid cameraId, string cameraName)
    {
        var config = new HomeAssistantBinarySensor(
            Name: "Person",
            UniqueId: IntegrationTopics.PersonObjectId(cameraId),
            DeviceClass: "occupancy",
            StateTopic: IntegrationTopics.Person(cameraId),
            PayloadOn: PersonSensor.On,
            PayloadOff: PersonSensor.Off,
            AvailabilityTopic: IntegrationTopics.Status,
            PayloadAvailable: IntegrationTopics.Online,
            PayloadNotAvailable: IntegrationTopics.Offline,
            JsonAttributesTopic: IntegrationTopics.Events(cameraId),
            Qos: 1,
            Device: new HomeAssistantDevice([$"vigil_{cameraId:N}"], cameraName, Manufacturer, Model),
            Origin: new HomeAssistantOrigin("Vigil", Version));
        return JsonSerializer.SerializeToUtf8Bytes(config, HomeAssistantJsonContext.Default.HomeAssistantBinarySensor);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7621, Level = LogLevel.Information, Message = "Home Assistant discovery published for camera {CameraId} ({CameraName})")]
        public static partial void Discovered(ILogger logger, Guid cameraId, string cameraName);

        [LoggerMessage(EventId = 7622, Level = LogLevel.Information, Message = "Home Assistant discovery removed for deleted camera {CameraId}")]
        public static partial void Removed(ILogger logger, Guid cameraId);

        [LoggerMessage(EventId = 7623, Level = LogLevel.Warning, Message = "Home Assistant discovery refresh failed; retrying next interval")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7624, Level = LogLevel.Warning, Message = "Could not publish vigil/status offline: {Reason}")]
        public static partial void OfflineFailed(ILogger logger, string reason);
    }
}
