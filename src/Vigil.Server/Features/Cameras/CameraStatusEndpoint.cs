using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Identity;

namespace Vigil.Server.Features.Cameras;

/// <summary>
/// <c>GET /api/cameras/status</c>: Server-Sent Events of the caller's live cameras going online
/// and offline. It starts with one <c>status</c> event per live camera (so a client needs no
/// separate listing to start from), then sends a <c>status</c> event per change, a
/// <c>heartbeat</c> event when nothing happened for <c>Cameras:StatusHeartbeat</c>, and ends with
/// an <c>end</c> event when the access token expires (the client reconnects with a fresh token)
/// or the account is disabled. Browsers' <c>EventSource</c> cannot send headers, so the token may
/// come as <c>?access_token=</c> (RFC 6750 §2.3) instead of <c>Authorization: Bearer</c>.
/// </summary>
internal static class CameraStatusEndpoint
{
    public static RouteHandlerBuilder MapCameraStatus(this RouteGroupBuilder cameras) =>
        cameras.MapGet("/status", StreamAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .WithDescription("Browsers' EventSource cannot send headers: the access token may be given as ?access_token= instead (RFC 6750 §2.3).")
            .WithSummary("Server-Sent Events: 'status' {id, online, lastSeen, provisioned} per live camera now and on every change, 'heartbeat' {at} while quiet, 'end' {reason} when the token expires or the account is disabled.");

    private static async Task StreamAsync(
        HttpContext context,
        ClaimsPrincipal principal,
        CameraStatusFeed feed,
        IServiceScopeFactory scopes,
        IOptions<CamerasOptions> options,
        TimeProvider time)
    {
        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Proxies must not hold events back (nginx buffers unless told not to).
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        // Headers go out now, not with the first event: a client waits for them before reading (and a
        // user without cameras gets no event until the first heartbeat).
        await response.StartAsync(cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var (type, data) in EventsAsync(context, principal.GetRequiredUserId(), feed, scopes, options.Value, time, cancellationToken))
            {
                // text/event-stream (WHATWG HTML §9.2): one event, then a blank line; JSON has no line breaks.
                await response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data, data.GetType(), JsonOptions)}\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static async IAsyncEnumerable<(string Type, object Data)> EventsAsync(
        HttpContext context,
        Guid ownerId,
        CameraStatusFeed feed,
        IServiceScopeFactory scopes,
        CamerasOptions options,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var expiresAt = await context.AccessTokenExpiryAsync() ?? time.GetUtcNow();
        // Subscribe before reading the current state, so no change falls between the two.
        using var subscription = feed.Subscribe(ownerId);
        await using (var scope = scopes.CreateAsyncScope())
        {
            foreach (var camera in await scope.ServiceProvider.GetRequiredService<CameraDirectory>().ListAsync(ownerId, cancellationToken))
            {
                if (camera.Camera.Kind == CameraKind.Live)
                {
                    yield return ("status", new CameraStatus(camera.Camera.Id, camera.Online == true, camera.LastSeen, camera.Provisioned));
                }
            }
        }

        while (true)
        {
            var left = expiresAt - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                yield return ("end", new StreamEnd("token-expired"));
                yield break;
            }

            if (await WaitAsync(subscription, left < options.StatusHeartbeat ? left : options.StatusHeartbeat, cancellationToken))
            {
                while (subscription.Changes.TryRead(out var change))
                {
                    yield return ("status", change);
                }

                continue;
            }

            if (left <= options.StatusHeartbeat)
            {
                continue;
            }

            await using (var scope = scopes.CreateAsyncScope())
            {
                if (!await scope.ServiceProvider.GetRequiredService<IUserDirectory>().IsActiveAsync(ownerId, cancellationToken))
                {
                    yield return ("end", new StreamEnd("account-disabled"));
                    yield break;
                }
            }

            yield return ("heartbeat", new Heartbeat(time.GetUtcNow()));
        }
    }

    /// <summary>True when changes are waiting; false when <paramref name="timeout"/> passed first.</summary>
    private static async Task<bool> WaitAsync(CameraStatusFeed.Subscription subscription, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await subscription.Changes.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private sealed record Heartbeat(DateTimeOffset At);

    private sealed record StreamEnd(string Reason);
}
