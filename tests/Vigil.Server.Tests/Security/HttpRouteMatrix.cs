using System.Net.Http.Headers;
using Vigil.Server.Features.Ingest;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Security;

/// <summary>Who sends a request in the matrix.</summary>
internal enum Principal
{
    /// <summary>No credentials at all.</summary>
    Anonymous,

    /// <summary>Bob's access token, against Ann's objects (or, for SigV4 routes, a bearer token where SigV4 is needed).</summary>
    OtherUser,

    /// <summary>Carol's access token, issued before her account was disabled.</summary>
    DisabledAccount,

    /// <summary>Dave, an admin: his access token on the API (owner scoping applies to him too), his long-term key on KVS.</summary>
    Admin,

    /// <summary>Ann on her own objects (positive control).</summary>
    Owner,

    /// <summary>Ann's viewer credentials for CAM-1, used on Bob's CAM-2 (or as master on her own).</summary>
    ViewerOfOtherCamera,

    /// <summary>CAM-1's credentials-provider credentials, used on CAM-2's channel.</summary>
    CameraOfOtherCamera,

    /// <summary>CAM-R's credentials (or certificate), after the thing was revoked.</summary>
    RevokedThing,

    /// <summary>Carol's viewer credentials for her own camera, after her account was disabled.</summary>
    DisabledViewer,

    /// <summary>The owner's viewer credentials, or a camera's credentials, on its own channel (positive control).</summary>
    OwnCredentials,

    /// <summary>The shared claim certificate.</summary>
    ClaimCertificate,

    /// <summary>A wrong key, secret or upload token.</summary>
    WrongSecret,
}

/// <summary>One principal's request on one route and the exact answer it must get.</summary>
internal sealed record MatrixCell(Principal Who, int Status, string? Kind, Func<MatrixWorld, Task<MatrixAnswer>> Send, Func<MatrixWorld, MatrixAnswer, string?>? Check = null);

/// <summary>A route of the server (as the endpoint data source names it: <c>METHODS pattern</c>) and its cells.</summary>
internal sealed record MatrixRow(string Route, IReadOnlyList<MatrixCell> Cells, string? OnlyWhen = null);

/// <summary>
/// The HTTP half of the authorization matrix: a row for every route the server maps. A route the
/// server maps without a row here fails <see cref="AuthorizationMatrixTests"/>: add its row.
/// Rows run in this order against one <see cref="MatrixWorld"/>; rows that delete use spare objects.
/// </summary>
internal static class HttpRouteMatrix
{
    private const string Denied = "AccessDeniedException";
    private const string NotAuthorized = "NotAuthorizedException";
    private const string Unsigned = "MissingAuthenticationTokenException";
    private const string Unrecognized = "UnrecognizedClientException";
    private const string NotFound = "rfc9110#section-15.5.5";

    public static IReadOnlyList<MatrixRow> Rows { get; } =
    [
        // --- Anonymous on purpose: health, the API description, the account pages, OpenID Connect.
        Public("GET /healthz", "/healthz", 200),
        Public("GET /readyz", "/readyz", 200),
        Public("GET /openapi/{documentName}.json", "/openapi/v1.json", 200),
        Public("GET /account/style.css", "/account/style.css", 200),
        Public("GET /", "/", 302, onlyWhen: "the web client is not installed"),
        Public("* /account", "/account", 302),
        Public("* /account/signin", "/account/signin", 200),
        Public("* /account/signup", "/account/signup", 404), // Identity:AllowSignUp is off by default
        Public("* /account/password", "/account/password", 302),
        Public("* /account/mfa", "/account/mfa", 302),
        Public("* /account/mfa/setup", "/account/mfa/setup", 302),
        Public("* /account/mfa/recovery", "/account/mfa/recovery", 302),
        Public("* /account/signout", "/account/signout", 200), // a confirmation page; signing out is its form's POST
        Public("* /account/endsession", "/account/endsession", 200),
        Public("GET,POST /connect/authorize", "/connect/authorize", 400),
        Public("POST /connect/token", "/connect/token", 400, HttpMethod.Post),
        new("GET,POST /connect/userinfo",
        [
            new(Principal.Anonymous, 401, null, w => MatrixRequests.BearerAsync(w, null, HttpMethod.Get, "/connect/userinfo")),
            new(Principal.DisabledAccount, 401, null, w => MatrixRequests.BearerAsync(w, w.Carol.Token, HttpMethod.Get, "/connect/userinfo")),
            new(Principal.OtherUser, 200, null, w => MatrixRequests.BearerAsync(w, w.Bob.Token, HttpMethod.Get, "/connect/userinfo"), NotAnns),
        ]),
        Public("GET,POST /connect/endsession", "/connect/endsession", 302), // to the confirmation page
        new("* /metrics",
        [
            // Prometheus scrapes without credentials, on the plain HTTP listener only (or Metrics:Port), never on HTTPS.
            new(Principal.Anonymous, 404, NotFound, w => MatrixRequests.BearerAsync(w, null, HttpMethod.Get, "/metrics")),
            new(Principal.Anonymous, 200, null, async w =>
            {
                using var http = new HttpClient { BaseAddress = w.Vigil.Http, Timeout = TimeSpan.FromSeconds(30) };
                using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
                return new MatrixAnswer((int)response.StatusCode, null, "");
            }),
        ], OnlyWhen: "Metrics:Enabled (the default)"),

        // --- The user API: bearer token only, owner-scoped (another user's object answers 404, like a missing one).
        Api("GET /api/me/", w => "/api/me", owner: 200, other: 200, otherCheck: NotAnns),
        Api("GET /api/cameras/", w => "/api/cameras", owner: 200, other: 200, otherCheck: NoneOfAnnsCameras),
        Api("GET /api/cameras/status", w => "/api/cameras/status", owner: 200, other: 200),
        Api("GET /api/cameras/{id:guid}", w => $"/api/cameras/{w.AnnsSnapshot}", owner: 200),
        Api("PATCH /api/cameras/{id:guid}", w => $"/api/cameras/{w.AnnsSnapshot}", owner: 200, body: new { name = "Porch" }),
        Api("POST /api/cameras/bind", w => "/api/cameras/bind", owner: 200, other: 409, body: new { serialNumber = "CAM-1", secret = "secret-CAM-1" }),
        Api("POST /api/cameras/snapshot", w => "/api/cameras/snapshot", owner: 201, other: 201, body: new { name = "Shed" }, otherBody: new { name = "Bobs shed" }),
        Api("POST /api/cameras/{id:guid}/snapshot-ingest", w => $"/api/cameras/{w.AnnsRotatedSnapshot}/snapshot-ingest", owner: 200),
        Api("POST /api/cameras/{id:guid}/rotate-credentials", w => $"/api/cameras/{w.AnnsRotatedSnapshot}/rotate-credentials", owner: 200),
        Api("POST /api/cameras/{id:guid}/viewer-credentials", w => $"/api/cameras/{w.AnnsLive.Id}/viewer-credentials", owner: 200),
        Api("GET /api/cameras/{id:guid}/viewer-url", w => $"/api/cameras/{w.AnnsLive.Id}/viewer-url", owner: 200),
        Api("GET /api/events/", w => "/api/events", owner: 200, other: 200, otherCheck: NoneOfAnnsEvents),
        Api("GET /api/events/{id:long}", w => $"/api/events/{w.AnnsEvent}", owner: 200),
        Api("GET /api/events/{id:long}/pictures/{index:int}", w => $"/api/events/{w.AnnsEvent}/pictures/0", owner: 200),
        Api("GET /api/events/{key:guid}/picture", w => $"/api/events/{w.AnnsEventKey}/picture", owner: 302),
        Api("GET /api/rules/", w => "/api/rules", owner: 200, other: 200, otherCheck: NoneOfAnnsRules),
        Api("POST /api/rules/", w => "/api/rules", owner: 201, other: 201, body: new { name = "Cars", labels = new[] { "Car" }, emailOwner = true }),
        Api("GET /api/rules/{id:guid}", w => $"/api/rules/{w.AnnsRule}", owner: 200),
        Api("PUT /api/rules/{id:guid}", w => $"/api/rules/{w.AnnsRule}", owner: 200, body: new { name = "People", labels = new[] { "Person" }, emailOwner = true }),
        Api("DELETE /api/rules/{id:guid}", w => $"/api/rules/{w.AnnsSpareRule}", owner: 204),
        Api("DELETE /api/events/{id:long}", w => $"/api/events/{w.AnnsSpareEvent}", owner: 204),
        Api("DELETE /api/cameras/{id:guid}", w => $"/api/cameras/{w.AnnsSpareSnapshot}", owner: 204),

        // --- Camera ingest: no user token, the camera's own secret.
        new("POST /api/ingest/snapshot",
        [
            new(Principal.Anonymous, 401, "unauthorized", w => Upload(w, null)),
            new(Principal.OtherUser, 401, "unauthorized", w => Upload(w, w.Bob.Token)),
            new(Principal.WrongSecret, 401, "unauthorized", w => Upload(w, w.AnnsUploadToken + "x")),
            new(Principal.Owner, 202, null, w => Upload(w, w.AnnsUploadToken)),
        ]),
        new("POST /api/ingest/sendgrid/{secret}",
        [
            new(Principal.Anonymous, 404, NotFound, w => MatrixRequests.BearerAsync(w, null, HttpMethod.Post, "/api/ingest/sendgrid/not-the-secret", content: EmptyForm())),
            new(Principal.OtherUser, 404, NotFound, w => MatrixRequests.BearerAsync(w, w.Bob.Token, HttpMethod.Post, "/api/ingest/sendgrid/not-the-secret", content: EmptyForm())),
            // Past the secret: the form names no camera's ingest address.
            new(Principal.Owner, 404, "unknown-camera", w => MatrixRequests.BearerAsync(w, null, HttpMethod.Post, $"/api/ingest/sendgrid/{w.Vigil.App.Services.GetRequiredService<IngestWebhookKey>().Secret}", content: EmptyForm())),
        ]),

        // --- DeepStack-compatible detection: its own key (loopback trust is off in the matrix's server).
        new("POST /v1/vision/detection",
        [
            new(Principal.Anonymous, 401, null, w => Detection(w, null)),
            new(Principal.OtherUser, 401, null, w => Detection(w, w.Bob.Token)),
            new(Principal.WrongSecret, 401, null, w => Detection(w, MatrixWorld.DetectionKey + "x")),
            // Past the key: a form without a picture is what is wrong.
            new(Principal.Owner, 400, null, w => Detection(w, MatrixWorld.DetectionKey)),
        ]),

        // --- The credentials provider: its own mutual-TLS listener only.
        new("GET /role-aliases/{alias}/credentials",
        [
            new(Principal.Anonymous, 0, "tls-handshake-refused", w => MatrixRequests.CredentialsProviderAsync(w, null, "CAM-2")),
            new(Principal.OtherUser, 404, null, w => MatrixRequests.CredentialsProviderAsync(w, null, "CAM-2", w.Vigil.Https)),
            new(Principal.ClaimCertificate, 403, null, w => MatrixRequests.CredentialsProviderAsync(w, w.Claim, "CAM-2")),
            new(Principal.CameraOfOtherCamera, 403, null, w => MatrixRequests.CredentialsProviderAsync(w, w.Cam1, "CAM-2")),
            new(Principal.RevokedThing, 403, null, w => MatrixRequests.CredentialsProviderAsync(w, w.Revoked, "CAM-R")),
            new(Principal.OwnCredentials, 200, null, w => MatrixRequests.CredentialsProviderAsync(w, w.Cam2, "CAM-2")),
        ]),

        // --- KVS control plane and signaling HTTPS APIs (SigV4); the channel tried is Bob's CAM-2 unless it says otherwise.
        Kvs("POST /describeSignalingChannel", "/describeSignalingChannel", c => $$"""{"ChannelName":"{{c.Name}}"}""", ownOk: 200),
        Kvs("POST /getSignalingChannelEndpoint", "/getSignalingChannelEndpoint", c => $$$"""{"ChannelARN":"{{{c.Arn}}}","SingleMasterChannelEndpointConfiguration":{"Protocols":["WSS","HTTPS"],"Role":"VIEWER"}}""", ownOk: 200),
        Kvs("POST /v1/get-ice-server-config", "/v1/get-ice-server-config", c => $$"""{"ChannelARN":"{{c.Arn}}","ClientId":"matrix","Service":"TURN"}""", ownOk: 200, denied: NotAuthorized),
        Kvs("POST /describeMediaStorageConfiguration", "/describeMediaStorageConfiguration", c => $$"""{"ChannelARN":"{{c.Arn}}"}""", ownOk: 401),
        Kvs("POST /listSignalingChannels", "/listSignalingChannels", _ => "{}", ownOk: 401),
        Kvs("POST /createSignalingChannel", "/createSignalingChannel", c => $$"""{"ChannelName":"{{c.Name}}-new"}""", ownOk: 401),
        Kvs("POST /TagResource", "/TagResource", c => $$"""{"ResourceARN":"{{c.Arn}}","Tags":[{"Key":"matrix","Value":"x"}]}""", ownOk: 401, adminOnSpare: true),
        Kvs("POST /ListTagsForResource", "/ListTagsForResource", c => $$"""{"ResourceARN":"{{c.Arn}}"}""", ownOk: 401, adminOnSpare: true),
        Kvs("POST /UntagResource", "/UntagResource", c => $$"""{"ResourceARN":"{{c.Arn}}","TagKeyList":["matrix"]}""", ownOk: 401, adminOnSpare: true),
        Kvs("POST /updateSignalingChannel", "/updateSignalingChannel", c => $$$"""{"ChannelARN":"{{{c.Arn}}}","CurrentVersion":"{{{c.Version}}}","SingleMasterConfiguration":{"MessageTtlSeconds":30}}""", ownOk: 401, adminOnSpare: true),
        Kvs("POST /deleteSignalingChannel", "/deleteSignalingChannel", c => $$"""{"ChannelARN":"{{c.Arn}}"}""", ownOk: 401, adminOnSpare: true),

        // --- Signaling WebSockets (ConnectAsMaster / ConnectAsViewer, presigned URLs).
        new("GET,CONNECT /signaling/viewer",
        [
            new(Principal.Anonymous, 403, Unsigned, w => MatrixRequests.SocketAsync(w, null, w.BobsLive.ChannelArn, "matrix", "viewer")),
            new(Principal.ViewerOfOtherCamera, 403, Denied, w => MatrixRequests.SocketAsync(w, w.AnnsViewer, w.BobsLive.ChannelArn, "matrix", "viewer")),
            new(Principal.CameraOfOtherCamera, 403, Denied, w => MatrixRequests.SocketAsync(w, w.Cam1Thing, w.BobsLive.ChannelArn, "matrix", "viewer")),
            // Admitted by its policy, then closed by the next access review (Signaling:AccessReviewInterval): see the KVS rows.
            new(Principal.DisabledViewer, 101, "closed-1008", w => MatrixRequests.SocketAsync(w, w.DisabledViewer, w.CarolsLive.ChannelArn, "matrix", "viewer", awaitClose: true)),
            new(Principal.Admin, 101, null, w => MatrixRequests.SocketAsync(w, w.AdminKey, w.BobsLive.ChannelArn, "matrix-admin", "viewer")),
            new(Principal.OwnCredentials, 101, null, w => MatrixRequests.SocketAsync(w, w.AnnsViewer, w.AnnsLive.ChannelArn, "matrix-ann", "viewer")),
        ]),
        new("GET,CONNECT /signaling/master",
        [
            new(Principal.Anonymous, 403, Unsigned, w => MatrixRequests.SocketAsync(w, null, w.BobsLive.ChannelArn, null, "master")),
            new(Principal.ViewerOfOtherCamera, 403, Denied, w => MatrixRequests.SocketAsync(w, w.AnnsViewer, w.AnnsLive.ChannelArn, null, "master")),
            new(Principal.CameraOfOtherCamera, 403, Denied, w => MatrixRequests.SocketAsync(w, w.Cam1Thing, w.BobsLive.ChannelArn, null, "master")),
            new(Principal.RevokedThing, 403, Unrecognized, w => MatrixRequests.SocketAsync(w, w.RevokedThing, "arn:aws:kinesisvideo:us-east-1:000000000000:channel/CAM-R/0", null, "master")),
            new(Principal.OwnCredentials, 101, null, w => MatrixRequests.SocketAsync(w, w.Cam2Thing, w.BobsLive.ChannelArn, null, "master")),
        ]),
    ];

    /// <summary>A channel as a KVS row targets it.</summary>
    internal sealed record Channel(string Name, string Arn, string Version);

    private static MatrixRow Public(string route, string path, int status, HttpMethod? method = null, string? onlyWhen = null) =>
        new(route, [new(Principal.Anonymous, status, null, w => MatrixRequests.BearerAsync(w, null, method ?? HttpMethod.Get, path))], onlyWhen);

    /// <summary>
    /// A user-API row: anonymous 401, a disabled account 403, another user and the admin <paramref name="other"/>
    /// (404 for Ann's objects), Ann <paramref name="owner"/>.
    /// </summary>
    private static MatrixRow Api(string route, Func<MatrixWorld, string> path, int owner, int other = 404, object? body = null, object? otherBody = null, Func<MatrixWorld, MatrixAnswer, string?>? otherCheck = null)
    {
        var method = new HttpMethod(route.Split(' ')[0]);
        return new(route,
        [
            new(Principal.Anonymous, 401, null, w => MatrixRequests.BearerAsync(w, null, method, path(w), body)),
            new(Principal.DisabledAccount, 403, null, w => MatrixRequests.BearerAsync(w, w.Carol.Token, method, path(w), body)),
            new(Principal.OtherUser, other, null, w => MatrixRequests.BearerAsync(w, w.Bob.Token, method, path(w), otherBody ?? body), otherCheck),
            new(Principal.Admin, other, null, w => MatrixRequests.BearerAsync(w, w.Dave.Token, method, path(w), otherBody ?? body), otherCheck),
            new(Principal.Owner, owner, null, w => MatrixRequests.BearerAsync(w, w.Ann.Token, method, path(w), body)),
        ]);
    }

    /// <summary>
    /// A KVS row: unsigned and bearer-token calls refused before SigV4, Ann's viewer credentials and CAM-1's on
    /// Bob's channel refused by policy, a disabled account's and a revoked thing's credentials refused on their
    /// own channels, the admin's key admitted (on the spare channel where the call changes it), and Ann's viewer
    /// credentials on her own channel answering <paramref name="ownOk"/>.
    /// </summary>
    private static MatrixRow Kvs(string route, string path, Func<Channel, string> body, int ownOk, string denied = Denied, bool adminOnSpare = false)
    {
        static Channel Of(LiveCamera camera) => new(camera.ChannelName, camera.ChannelArn, "1");
        var own = ownOk == 200 ? (string?)null : denied;
        return new(route,
        [
            new(Principal.Anonymous, 403, Unsigned, w => MatrixRequests.KvsAsync(w, null, path, body(Of(w.BobsLive)))),
            new(Principal.OtherUser, 403, "IncompleteSignatureException", w => MatrixRequests.KvsAsync(w, null, path, body(Of(w.BobsLive)), bearer: w.Bob.Token)),
            new(Principal.ViewerOfOtherCamera, 401, denied, w => MatrixRequests.KvsAsync(w, w.AnnsViewer, path, body(Of(w.BobsLive)))),
            new(Principal.CameraOfOtherCamera, 401, denied, w => MatrixRequests.KvsAsync(w, w.Cam1Thing, path, body(Of(w.BobsLive)))),
            // By design (docs/cameras.md, "When access ends"): a user's viewer credentials are judged by their
            // policy alone until they expire (Cameras:ViewerCredentialLifetime, 15 min); a disabled account gets no
            // new ones and its sockets are closed at the next access review (the /signaling/viewer row).
            new(Principal.DisabledViewer, ownOk, own, w => MatrixRequests.KvsAsync(w, w.DisabledViewer, path, body(Of(w.CarolsLive)))),
            new(Principal.RevokedThing, 403, Unrecognized, w => MatrixRequests.KvsAsync(w, w.RevokedThing, path, body(new("CAM-R", "arn:aws:kinesisvideo:us-east-1:000000000000:channel/CAM-R/0", "1")))),
            new(Principal.OwnCredentials, ownOk, own, w => MatrixRequests.KvsAsync(w, w.AnnsViewer, path, body(Of(w.AnnsLive)))),
            new(Principal.Admin, 200, null, async w => await MatrixRequests.KvsAsync(w, w.AdminKey, path, body(adminOnSpare ? await w.SpareChannelAsync() : Of(w.BobsLive)))),
        ]);
    }

    private static Task<MatrixAnswer> Upload(MatrixWorld world, string? token)
    {
        var picture = new ByteArrayContent(SnapshotPictures.Jpeg(64, 48));
        picture.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return MatrixRequests.BearerAsync(world, token, HttpMethod.Post, "/api/ingest/snapshot", content: picture);
    }

    private static Task<MatrixAnswer> Detection(MatrixWorld world, string? key) =>
        MatrixRequests.BearerAsync(world, key, HttpMethod.Post, "/v1/vision/detection", content: EmptyForm());

    private static MultipartFormDataContent EmptyForm() => new() { { new StringContent("0.5"), "min_confidence" } };

    private static string? NotAnns(MatrixWorld world, MatrixAnswer answer) =>
        answer.Body.Contains("ann@example.com", StringComparison.OrdinalIgnoreCase) ? "the answer names Ann" : null;

    private static string? NoneOfAnnsCameras(MatrixWorld world, MatrixAnswer answer) =>
        new[] { world.AnnsLive.Id, world.AnnsSnapshot.ToString() }.FirstOrDefault(id => answer.Body.Contains(id, StringComparison.OrdinalIgnoreCase)) is { } id ? $"the list shows Ann's camera {id}" : null;

    private static string? NoneOfAnnsEvents(MatrixWorld world, MatrixAnswer answer) =>
        answer.Body.Contains(world.AnnsEventKey.ToString(), StringComparison.OrdinalIgnoreCase) || answer.Body.Contains($"\"id\":{world.AnnsEvent},", StringComparison.Ordinal) ? "the list shows Ann's event" : null;

    private static string? NoneOfAnnsRules(MatrixWorld world, MatrixAnswer answer) =>
        answer.Body.Contains(world.AnnsRule.ToString(), StringComparison.OrdinalIgnoreCase) ? "the list shows Ann's rule" : null;
}
