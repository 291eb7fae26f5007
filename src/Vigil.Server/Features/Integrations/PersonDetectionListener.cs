using Microsoft.Extensions.Options;
using Vigil.Server.Features.Events;

namespace Vigil.Server.Features.Integrations;

/// <summary>Tells the <see cref="PersonSensor"/> about events with a person, once they are committed.</summary>
internal sealed class PersonDetectionListener(PersonSensor sensor, IOptions<IntegrationsOptions> options) : IEventListener
{
    private readonly List<RecordedEvent> _recorded = [];

    public Task OnUnitStartingAsync(IReadOnlyList<RecordedEvent> unit, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnRecordingAsync(RecordedEvent recorded, CancellationToken cancellationToken)
    {
        _recorded.Add(recorded);
        return Task.CompletedTask;
    }

    public void OnRecorded()
    {
        var minimum = options.Value.PersonMinConfidence;
        foreach (var recorded in _recorded.Where(r => r.Detections.Any(d => d.Label == "Person" && d.Confidence >= minimum)))
        {
            sensor.Report(new PersonSensorCommand(PersonSensorCommandKind.Detected, recorded.CameraId, recorded.OccurredAt));
        }

        _recorded.Clear();
    }
}
