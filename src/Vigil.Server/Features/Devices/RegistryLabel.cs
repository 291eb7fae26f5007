using System.Globalization;
using System.Security;
using System.Text;
using QRCoder;
using SkiaSharp;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// The printable label of one camera from the manufacturer's import file: model, serial number,
/// secret, and a QR code of the bind URL (<c>https://host/cameras/add?serial=…&amp;secret=…</c>,
/// the web client's add-camera page). The registry keeps only keyed hashes of secrets, so labels
/// are made from the import file, at manufacturing time, never from the database.
/// </summary>
internal sealed class RegistryLabel
{
    public const int Width = 720;
    public const int Height = 320;
    private const int QrSize = 272;
    private const int Margin = 24;

    private readonly bool[,] _modules;

    public RegistryLabel(RegistryRow row, string baseUrl)
    {
        Serial = row.Serial;
        Secret = row.Secret;
        Model = row.Model;
        BindUrl = BindUrlOf(baseUrl, row.Serial, row.Secret);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(BindUrl, QRCodeGenerator.ECCLevel.M);
        // QRCoder's matrix already has the 4-module quiet zone around the symbol.
        var size = data.ModuleMatrix.Count;
        _modules = new bool[size, size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                _modules[x, y] = data.ModuleMatrix[y][x];
            }
        }
    }

    public string Serial { get; }

    public string Secret { get; }

    public string Model { get; }

    public string BindUrl { get; }

    /// <summary>Modules per side of the QR code, quiet zone included.</summary>
    public int ModuleCount => _modules.GetLength(0);

    public bool IsDark(int x, int y) => _modules[x, y];

    public static string BindUrlOf(string baseUrl, string serial, string secret) =>
        $"{baseUrl.TrimEnd('/')}/cameras/add?serial={Uri.EscapeDataString(serial)}&secret={Uri.EscapeDataString(secret)}";

    public string ToSvg()
    {
        var scale = QrSize / (double)ModuleCount;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{Height}" fill="#fff" stroke="#000" stroke-width="2"/>""").Append('\n');
        // One path for every dark module keeps the file small and the edges exact.
        svg.Append(CultureInfo.InvariantCulture, $"""<path fill="#000" transform="translate({Margin} {Margin}) scale({scale:0.####})" d=""").Append('"');
        for (var y = 0; y < ModuleCount; y++)
        {
            for (var x = 0; x < ModuleCount; x++)
            {
                if (_modules[x, y])
                {
                    svg.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }

        svg.Append("\"/>\n");
        var left = Margin + QrSize + Margin;
        foreach (var (text, y, size, bold) in Lines())
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left}" y="{y}" font-family="DejaVu Sans, Arial, sans-serif" font-size="{size}"{(bold ? " font-weight=\"bold\"" : "")}>{SecurityElement.Escape(text)}</text>""").Append('\n');
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public byte[] ToPng()
    {
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var black = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Fill };
            using var border = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
            canvas.DrawRect(1, 1, Width - 2, Height - 2, border);
            var scale = QrSize / (float)ModuleCount;
            for (var y = 0; y < ModuleCount; y++)
            {
                for (var x = 0; x < ModuleCount; x++)
                {
                    if (_modules[x, y])
                    {
                        canvas.DrawRect(Margin + (x * scale), Margin + (y * scale), scale, scale, black);
                    }
                }
            }

            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var left = Margin + QrSize + Margin;
            foreach (var (line, y, size, bold) in Lines())
            {
                using var typeface = SKTypeface.FromFamilyName("DejaVu Sans", bold ? SKFontStyle.Bold : SKFontStyle.Normal) ?? SKTypeface.Default;
                using var font = new SKFont(typeface, size);
                canvas.DrawText(line, left, y, SKTextAlign.Left, font, text);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>
    /// True when the serial and the secret fit beside the QR code in full; longer ones are cut on
    /// the label (the QR code still holds them), and the command says which labels those are.
    /// </summary>
    public bool TextFits => Serial.Length <= MaxChars && Secret.Length <= MaxChars;

    // Text column: Width - (Margin + QrSize + Margin) - Margin = 376 px; DejaVu Sans Bold averages
    // about 0.62 em per character, so 24 px fits 25 characters and 9 px (the smallest used) 67.
    private const int TextWidth = Width - Margin - QrSize - Margin - Margin;
    private const int MaxChars = 67;

    /// <summary>The text beside the QR code: what a person types when they cannot scan.</summary>
    private IEnumerable<(string Text, int Y, int Size, bool Bold)> Lines()
    {
        yield return (Shorten(Model), 64, SizeFor(Model, 26), true);
        yield return ("Serial number", 118, 16, false);
        yield return (Shorten(Serial), 146, SizeFor(Serial, 24), true);
        yield return ("Secret", 190, 16, false);
        yield return (Shorten(Secret), 218, SizeFor(Secret, 24), true);
        yield return ("Scan to add this camera", 280, 16, false);
    }

    private static int SizeFor(string text, int largest) =>
        Math.Clamp((int)(TextWidth / (Math.Max(1, Math.Min(text.Length, MaxChars)) * 0.62)), 9, largest);

    private static string Shorten(string text) => text.Length <= MaxChars ? text : text[..(MaxChars - 1)] + "…";
}
