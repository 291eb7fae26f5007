namespace Vigil.Server.Features.Events;

internal enum PictureVariant
{
    Original,
    Thumbnail,
    Annotated,
}
