using System.Net;
using System.Text.Json;
using Vigil.Server.Tests.Features.Identity;
using Vigil.Server.Tests.Features.SnapshotApi;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>A signed-in user of the camera API over real HTTPS, with a real access token (sign-in, TOTP, code + PKCE).</summary>
internal sealed class CameraApiClient(SignedInUser user) : IDisposable
{
    public SignedInUser User { get; } = user;

    public HttpClient Http => User.Browser.Client;

    public string Token => User.Tokens.AccessToken!;

    public static async Task<CameraApiClient> SignUpAsync(RunningVigil vigil, string email, CancellationToken cancellationToken, bool admin = false) =>
        new(await vigil.SignUpAndGetTokensAsync(email, cancellationToken, admin));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        Http.SendAsync(method, path, Token, body, cancellationToken);

    public Task<HttpResponseMessage> BindAsync(string serial, string secret, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/cameras/bind", new { serialNumber = serial, secret }, cancellationToken);

    /// <summary>Binds and returns the camera, failing the test with the server's answer otherwise.</summary>
    public async Task<JsonElement> BindOrFailAsync(string serial, string secret, CancellationToken cancellationToken)
    {
        using var response = await BindAsync(serial, secret, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"bind {serial}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public void Dispose() => User.Dispose();
}
