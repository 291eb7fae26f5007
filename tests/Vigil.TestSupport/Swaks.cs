using System.Net;

namespace Vigil.TestSupport;

/// <summary>swaks (Debian), the Swiss Army Knife for SMTP: a real client that sends a camera's e-mail.</summary>
internal static class Swaks
{
    public static Task<ProcessResult> SendAsync(IPEndPoint server, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(
            RequiredTool.Find("swaks", "swaks"),
            ["--server", $"127.0.0.1:{server.Port}", "--timeout", "30", "--hide-all", .. arguments],
            timeout: TimeSpan.FromSeconds(60),
            cancellationToken: cancellationToken);

    /// <summary>STARTTLS + AUTH PLAIN with the camera's credentials, one JPEG attached.</summary>
    public static Task<ProcessResult> SendPictureAsync(IPEndPoint server, string username, string password, string picture, string subject, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(
            RequiredTool.Find("swaks", "swaks"),
            [
                "--server", $"127.0.0.1:{server.Port}", "--timeout", "30",
                "--tls", "--auth", "PLAIN", "--auth-user", username, "--auth-password", password,
                "--from", "camera@example.com", "--to", "alice@example.com",
                "--header", $"Subject: {subject}",
                "--attach-type", "image/jpeg", "--attach", "@" + picture,
            ],
            timeout: TimeSpan.FromSeconds(60),
            cancellationToken: cancellationToken);
}
