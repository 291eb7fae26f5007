namespace Vigil.Server.Features.Events;

/// <summary>One picture of an event, as <c>/api/events/{EventId}/pictures/{Index}</c> serves it.</summary>
internal sealed record EventPictureLink(long EventId, int Index, PictureVariant Variant = PictureVariant.Original)
{
    /// <summary>The API path that serves it (the <c>size</c> values are the ones the endpoint parses).</summary>
    public string Url => Variant switch
    {
        PictureVariant.Thumbnail => $"/api/events/{EventId}/pictures/{Index}?size=thumbnail",
        PictureVariant.Annotated => $"/api/events/{EventId}/pictures/{Index}?size=annotated",
        _ => $"/api/events/{EventId}/pictures/{Index}",
    };
}
