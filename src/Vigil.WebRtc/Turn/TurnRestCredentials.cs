using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.WebRtc.Turn;

/// <summary>
/// Time-limited TURN credentials of draft-uberti-behave-turn-rest-00, as coturn's
/// <c>use-auth-secret</c>/<c>static-auth-secret</c> checks them.
/// </summary>
public static class TurnRestCredentials
{
    /// <summary>Builds the username <c>"&lt;unix expiry&gt;:&lt;user&gt;"</c> and the password Base64(HMAC-SHA1(secret, username)).</summary>
    /// <param name="sharedSecret">The secret shared with the TURN server.</param>
    /// <param name="user">An identifier for whom the credential is (e.g. a camera id).</param>
    /// <param name="expiry">When the credential stops being accepted for new allocations. Ask for at least the
    /// longest session: some servers also reject refreshes after expiry (coturn does not; pion/turn does).</param>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "The TURN REST scheme is defined with HMAC-SHA1.")]
    public static (string Username, string Password) Create(string sharedSecret, string user, DateTimeOffset expiry)
    {
        ArgumentNullException.ThrowIfNull(sharedSecret);
        ArgumentNullException.ThrowIfNull(user);
        var username = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + user;
        var password = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(username)));
        return (username, password);
    }
}
