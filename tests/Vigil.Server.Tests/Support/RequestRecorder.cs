using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Vigil.Server.Tests.Support;

/// <summary>
/// Notes the method and HTTP version of every request whose path starts with a prefix, ahead of Vigil's own
/// pipeline, so a test can tell how a client it did not write (a browser) really reached the server.
/// Register with <c>RunningVigil.StartAsync(services: recorder.Register)</c>.
/// </summary>
internal sealed class RequestRecorder(string pathPrefix) : IStartupFilter
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public void Register(IServiceCollection services) => services.AddSingleton<IStartupFilter>(this);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Path.StartsWithSegments(pathPrefix, StringComparison.Ordinal))
            {
                _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Protocol, context.Request.Path));
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}

internal sealed record RecordedRequest(string Method, string Protocol, string Path);
