using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Vigil.Server.Features.Events;

/// <summary>
/// The opaque paging cursor of <c>GET /api/events</c>: the id of the last event of a page
/// (keyset paging, newest first), so a page boundary stays put while new events arrive.
/// Clients must not build cursors; the format (<c>base64url("e1:" + id)</c>) may change.
/// </summary>
internal static class EventCursor
{
    private const string Prefix = "e1:";
    private const int MaxLength = 64;

    public static string Encode(long before) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Prefix + before.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string? cursor, out long before)
    {
        before = 0;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxLength];
        if (Base64Url.DecodeFromChars(cursor, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != cursor.Length)
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(bytes[..written]);
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out before)
            && before > 0;
    }
}
