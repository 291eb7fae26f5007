namespace Vigil.Server.Features.Events;

/// <summary>
/// A stage that acts on new events (notifications). <see cref="OnRecordingAsync"/> runs in the
/// event's unit of work (scoped services, same database transaction), so what it decides is
/// stored together with the event or not at all; <see cref="OnRecorded"/> runs after the commit.
/// </summary>
internal interface IEventListener
{
    Task OnRecordingAsync(RecordedEvent recorded, CancellationToken cancellationToken);

    void OnRecorded();
}
