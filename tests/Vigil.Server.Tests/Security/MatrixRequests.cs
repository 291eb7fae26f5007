using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Server.Tests.Features.Signaling;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Security;

/// <summary>What a request in the matrix got back: the status and the kind of refusal (the KVS <c>x-amzn-ErrorType</c> or the problem's <c>type</c>).</summary>
internal sealed record MatrixAnswer(int Status, string? Kind, string Body)
{
    public override string ToString() => Kind is null ? $"{Status}" : $"{Status} {Kind}";
}

/// <summary>The ways the matrix sends a request: bearer token, SigV4 (header or presigned WebSocket URL), client certificate.</summary>
internal static class MatrixRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A request to the HTTPS API with an optional bearer token (null: none) and an optional JSON body.</summary>
    public static async Task<MatrixAnswer> BearerAsync(MatrixWorld world, string? token, HttpMethod method, string path, object? body = null, HttpContent? content = null)
    {
        using var http = world.Anonymous();
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = MatrixWorld.Bearer(token);
        }

        request.Content = content ?? (body is null ? null : JsonContent(JsonSerializer.Serialize(body)));
        // Server-Sent Events never end: the headers are the answer.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        return await AnswerAsync(response, readBody: response.Content.Headers.ContentType?.MediaType != "text/event-stream");
    }

    /// <summary>A KVS JSON call, SigV4-signed with <paramref name="credentials"/>, or unsigned (null), or with a bearer token instead.</summary>
    public static async Task<MatrixAnswer> KvsAsync(MatrixWorld world, SigV4Credentials? credentials, string path, string json, string? bearer = null)
    {
        HttpMessageHandler handler = VigilTrust.Handler(world.Vigil.RootCertificate);
        if (credentials is not null)
        {
            handler = new SigV4SigningHandler(credentials, "us-east-1", "kinesisvideo", TimeProvider.System) { InnerHandler = handler };
        }

        using var http = new HttpClient(handler) { BaseAddress = world.Vigil.Https, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(json) };
        if (bearer is not null)
        {
            request.Headers.Authorization = MatrixWorld.Bearer(bearer);
        }

        using var response = await http.SendAsync(request, Ct);
        return await AnswerAsync(response, readBody: true);
    }

    /// <summary>A signaling WebSocket handshake with a presigned URL (null credentials: an unsigned URL): 101 when it is admitted.</summary>
    public static async Task<MatrixAnswer> SocketAsync(MatrixWorld world, SigV4Credentials? credentials, string channelArn, string? clientId, string role, bool awaitClose = false)
    {
        var url = credentials is null
            ? $"wss://localhost:{world.Vigil.Https.Port}/signaling/{role}?X-Amz-ChannelARN={Uri.EscapeDataString(channelArn)}" + (clientId is null ? "" : $"&X-Amz-ClientId={clientId}")
            : SignalingTestSocket.PresignedUrl(world.Vigil, credentials, channelArn, clientId, role: role);
        try
        {
            await using var socket = await SignalingTestSocket.ConnectAsync(world.Vigil, url, Ct);
            var status = (int)socket.HandshakeStatus;
            if (awaitClose)
            {
                // The server closes it: read until the close frame (or give up after 15 s).
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                deadline.CancelAfter(TimeSpan.FromSeconds(15));
                var buffer = new byte[4096];
                try
                {
                    while ((await socket.Socket.ReceiveAsync(buffer, deadline.Token)).MessageType != WebSocketMessageType.Close)
                    {
                    }
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    return new MatrixAnswer(status, "still-open-after-15s", "");
                }

                return new MatrixAnswer(status, $"closed-{(int?)socket.Socket.CloseStatus}", socket.Socket.CloseStatusDescription ?? "");
            }

            await socket.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "matrix", Ct);
            return new MatrixAnswer(status, null, "");
        }
        catch (WebSocketException)
        {
            var (status, errorType) = await SignalingTestSocket.RefusedAsync(world.Vigil, url, Ct);
            return new MatrixAnswer((int)status, errorType, "");
        }
    }

    /// <summary>The credentials provider's exchange with a client certificate (null: none), on its own listener or <paramref name="baseAddress"/>.</summary>
    public static async Task<MatrixAnswer> CredentialsProviderAsync(MatrixWorld world, X509Certificate2? certificate, string thing, Uri? baseAddress = null)
    {
        using var http = world.CredentialsProviderClient(certificate, baseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/role-aliases/VigilCameraRoleAlias/credentials");
        request.Headers.Add("x-amzn-iot-thingname", thing);
        try
        {
            using var response = await http.SendAsync(request, Ct);
            return await AnswerAsync(response, readBody: true);
        }
        catch (HttpRequestException e)
        {
            // No client certificate: the TLS handshake itself fails, so there is no status at all.
            return new MatrixAnswer(0, "tls-handshake-refused", e.Message);
        }
    }

    private static StringContent JsonContent(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<MatrixAnswer> AnswerAsync(HttpResponseMessage response, bool readBody)
    {
        var body = readBody ? await response.Content.ReadAsStringAsync(Ct) : "";
        string? kind = response.Headers.TryGetValues("x-amzn-ErrorType", out var type) ? type.Single() : null;
        if (kind is null && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                kind = JsonDocument.Parse(body).RootElement.TryGetProperty("type", out var t) ? t.GetString()?.Split('/').Last() : null;
            }
            catch (JsonException)
            {
                kind = null;
            }
        }

        return new MatrixAnswer((int)response.StatusCode, kind, body);
    }
}
