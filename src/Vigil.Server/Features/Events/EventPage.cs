namespace Vigil.Server.Features.Events;

/// <summary>A page of events, newest first; <see cref="NextBefore"/> fetches the next (older) page, null at the end.</summary>
internal sealed record EventPage(IReadOnlyList<EventView> Events, long? NextBefore);
