using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>
/// TOTP codes from OATH Toolkit's <c>oathtool</c> (Debian package <c>oathtool</c>), an
/// implementation of RFC 6238 we did not write, so a test's codes do not come from the code under test.
/// </summary>
internal static class Oathtool
{
    /// <summary>The 6-digit code for <paramref name="base32Secret"/> at <paramref name="at"/> (default: now).</summary>
    public static async Task<string> TotpAsync(string base32Secret, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var when = (at ?? TimeProvider.System.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        var secret = new string(base32Secret.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var result = await ProcessRunner.RunAsync(RequiredTool.Find("oathtool", "oathtool"), ["--totp", "-b", "--now", when, secret], cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result.StandardOutput.Trim()
            : throw new InvalidOperationException($"oathtool failed: {result.StandardError}");
    }
}
