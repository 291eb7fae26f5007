namespace Vigil.Server.Features.Events;

/// <summary>
/// A stage that acts on new events (notifications). <see cref="OnRecordingAsync"/> runs in the
/// event's unit of work (scoped services, same database transaction), so what it decides is
/// stored together with the event or not at all; <see cref="OnRecorded"/> runs after the commit.
/// One unit of work may hold several events (the processor commits a batch): then
/// <see cref="OnRecordingAsync"/> is called for each, in order, each after the previous one's
/// changes were saved into the transaction, and <see cref="OnRecorded"/> once for all of them.
/// <see cref="OnUnitStartingAsync"/> runs first, once, with every event of the unit: the place to take
/// locks that must be taken in one order (several nodes commit units at the same time).
/// </summary>
internal interface IEventListener
{
    Task OnUnitStartingAsync(IReadOnlyList<RecordedEvent> unit, CancellationToken cancellationToken);

    Task OnRecordingAsync(RecordedEvent recorded, CancellationToken cancellationToken);

    void OnRecorded();
}
