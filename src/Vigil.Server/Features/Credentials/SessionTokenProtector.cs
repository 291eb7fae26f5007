using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Turns <see cref="SessionTokenContents"/> into an opaque session token and back, with ASP.NET Core Data
/// Protection (AES-256-CBC + HMAC-SHA256 under the key ring every node shares). The token is base64url, so
/// it needs no escaping in the presigned <c>X-Amz-Security-Token</c> query parameter.
/// </summary>
internal sealed class SessionTokenProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "Vigil.Credentials.SessionToken.v1";

    /// <summary>Longer tokens are refused before any decryption is attempted.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(SessionTokenContents contents)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(contents, SessionTokenJsonContext.Default.SessionTokenContents);
        try
        {
            return WebEncoders.Base64UrlEncode(_protector.Protect(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Decrypts and authenticates <paramref name="token"/>; false for anything forged, damaged or from another key ring.</summary>
    public bool TryUnprotect(string token, out SessionTokenContents? contents)
    {
        contents = null;
        if (token.Length is 0 or > MaxTokenLength)
        {
            return false;
        }

        byte[] plain;
        try
        {
            plain = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }

        try
        {
            contents = JsonSerializer.Deserialize(plain, SessionTokenJsonContext.Default.SessionTokenContents);
            return contents is { FormatVersion: SessionTokenContents.CurrentFormat };
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
