using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// The retained <c>vigil/&lt;camera&gt;/person</c> state behind each camera's Home Assistant
/// binary sensor: <c>ON</c> when a picture has a Person at <c>Integrations:PersonMinConfidence</c>,
/// <c>OFF</c> <c>Integrations:PersonOffDelay</c> after the last such picture. It follows every
/// event, not the rules: a rule's cooldown suppresses notifications, and a sensor that went OFF
/// while a person is still in view because notifications were suppressed would be lying.
/// One loop owns all states, so ON, OFF and removal of one camera are published in order.
/// </summary>
internal sealed partial class PersonSensor(
    IntegrationPublisher publisher,
    IOptions<IntegrationsOptions> options,
    TimeProvider time,
    ILogger<PersonSensor> logger) : BackgroundService
{
    public const string On = "ON";
    public const string Off = "OFF";

    private readonly Channel<PersonSensorCommand> _commands = Channel.CreateUnbounded<PersonSensorCommand>(new UnboundedChannelOptions { SingleReader = true });

    public void Report(PersonSensorCommand command) => _commands.Writer.TryWrite(command);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await publisher.WaitUntilStartedAsync(stoppingToken);
        var delay = options.Value.PersonOffDelay;
        var offAt = new Dictionary<Guid, DateTimeOffset>();
        var known = new HashSet<Guid>();
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                foreach (var (due, _) in offAt.Where(p => p.Value <= now).ToList())
                {
                    offAt.Remove(due);
                    await PublishAsync(due, Off, IntegrationReach.Cluster, stoppingToken);
                }

                var wait = offAt.Count == 0 ? Timeout.InfiniteTimeSpan : offAt.Values.Min() - now;
                if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.Zero)
                {
                    continue; // became due meanwhile
                }

                PersonSensorCommand command;
                using (var timeout = new CancellationTokenSource(wait, time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken))
                {
                    try
                    {
                        command = await _commands.Reader.ReadAsync(linked.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        continue; // a sensor is due to go OFF
                    }
                }

                var camera = command.CameraId;
                switch (command.Kind)
                {
                    case PersonSensorCommandKind.Detected:
                        var until = command.At + delay;
                        if (until <= time.GetUtcNow())
                        {
                            break; // an old picture (replayed from the spool after a restart): the person is long gone
                        }

                        known.Add(camera);
                        var wasOn = offAt.TryGetValue(camera, out var previous);
                        offAt[camera] = wasOn && previous > until ? previous : until;
                        if (!wasOn)
                        {
                            await PublishAsync(camera, On, IntegrationReach.Cluster, stoppingToken);
                        }

                        break;
                    case PersonSensorCommandKind.Ensure when known.Add(camera):
                        // Every node ensures every camera itself: this node's default, not news for the others.
                        await PublishAsync(camera, Off, IntegrationReach.Node, stoppingToken);
                        break;
                    case PersonSensorCommandKind.Forget:
                        known.Remove(camera);
                        offAt.Remove(camera);
                        await PublishAsync(camera, null, IntegrationReach.Node, stoppingToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(Guid camera, string? state, IntegrationReach reach, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(IntegrationTopics.Person(camera), state is null ? [] : Encoding.ASCII.GetBytes(state), retain: true, contentType: null, reach, cancellationToken);
            Log.State(logger, camera, state ?? "(removed)");
        }
        catch (IntegrationPublishException e)
        {
            Log.Failed(logger, camera, state ?? "(removed)", e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7611, Level = LogLevel.Debug, Message = "Person sensor of camera {CameraId}: {State}")]
        public static partial void State(ILogger logger, Guid cameraId, string state);

        [LoggerMessage(EventId = 7612, Level = LogLevel.Warning, Message = "Person sensor of camera {CameraId} could not be set to {State}: {Reason}")]
        public static partial void Failed(ILogger logger, Guid cameraId, string state, string reason);
    }
}
