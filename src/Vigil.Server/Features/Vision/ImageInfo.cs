namespace Vigil.Server.Features.Vision;

/// <summary>What a picture's header says: format (jpeg, png, ...) and size, read without decoding the pixels.</summary>
internal sealed record ImageInfo(string Format, int Width, int Height)
{
    public string ContentType => Format switch
    {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        _ => "application/octet-stream",
    };

    public string Extension => Format == "jpeg" ? "jpg" : Format;
}
