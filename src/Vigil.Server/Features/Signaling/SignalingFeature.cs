using Microsoft.Extensions.Options;
using Vigil.Contracts.Kvs;
using Vigil.Server.Features.Cluster;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Signaling.Stun;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Signaling;

internal static class SignalingFeature
{
    public static IServiceCollection AddSignaling(this IServiceCollection services)
    {
        services.AddValidatedOptions<SignalingOptions>(SignalingOptions.Section);
        services.AddSingleton<SignalingUrls>();
        services.AddScoped<ChannelStore>();
        services.AddScoped<ChannelApi>();
        services.AddScoped<ThingChannelGuard>();
        services.AddScoped<TagApi>();
        services.AddSingleton<SignalingMetrics>();
        services.AddSingleton<Hosting.Metrics.IMetricSeries>(sp => sp.GetRequiredService<SignalingMetrics>());
        services.AddSingleton<SignalingHub>();
        // One node: the hub's sessions do everything. A cluster node (Cluster:Redis): Redis carries what crosses nodes.
        services.AddSingleton<RedisSignalingBackplane>();
        services.AddSingleton<ISignalingBackplane>(sp => sp.GetRequiredService<IOptions<ClusterOptions>>().Value.Enabled
            ? sp.GetRequiredService<RedisSignalingBackplane>()
            : new InProcessSignalingBackplane());
        services.AddHostedService<SignalingBackplaneService>();
        services.AddHostedService<SignalingSweeper>();
        services.AddSingleton<SignalingAccessReview>();
        services.AddHostedService(sp => sp.GetRequiredService<SignalingAccessReview>());
        services.AddSingleton<IRevocationListener>(sp => sp.GetRequiredService<SignalingAccessReview>());
        services.AddScoped<IceServerApi>();
        services.AddScoped<IThingLifecycleObserver, ThingChannelProvisioner>();
        // Hosted services run only in `vigil serve`; other commands build the services but never start them.
        services.AddSingleton<StunServer>();
        services.AddHostedService(sp => sp.GetRequiredService<StunServer>());
        return services;
    }

    /// <summary>
    /// The KVS control plane at the root of the HTTPS listener, with AWS's paths (a KVS or AWS SDK client
    /// is pointed at <c>https://host</c> as its endpoint). SigV4 only, AWS-style errors: see <see cref="KvsEndpoint"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapSignaling(this IEndpointRouteBuilder app)
    {
        var json = KvsJsonContext.Default;
        // SigV4 (header or presigned query) authenticates each request in its handler.
        var kvs = app.MapGroup("").ExcludeFromDescription().AllowAnonymous().WithMetadata(new HttpsOnlyEndpoint());
        kvs.MapPost("/createSignalingChannel", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.CreateSignalingChannelRequest, api.CreateAsync));
        kvs.MapPost("/describeSignalingChannel", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.DescribeSignalingChannelRequest, api.DescribeAsync));
        kvs.MapPost("/listSignalingChannels", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.ListSignalingChannelsRequest, api.ListAsync));
        kvs.MapPost("/updateSignalingChannel", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.UpdateSignalingChannelRequest, api.UpdateAsync));
        kvs.MapPost("/deleteSignalingChannel", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.DeleteSignalingChannelRequest, api.DeleteAsync));
        kvs.MapPost("/getSignalingChannelEndpoint", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.GetSignalingChannelEndpointRequest, api.GetEndpointAsync));
        kvs.MapPost("/describeMediaStorageConfiguration", (HttpContext c, ChannelApi api) => KvsEndpoint.HandleAsync(c, json.DescribeMediaStorageConfigurationRequest, api.DescribeMediaStorageAsync));
        kvs.MapPost("/TagResource", (HttpContext c, TagApi api) => KvsEndpoint.HandleAsync(c, json.TagResourceRequest, api.TagAsync));
        kvs.MapPost("/UntagResource", (HttpContext c, TagApi api) => KvsEndpoint.HandleAsync(c, json.UntagResourceRequest, api.UntagAsync));
        kvs.MapPost("/ListTagsForResource", (HttpContext c, TagApi api) => KvsEndpoint.HandleAsync(c, json.ListTagsForResourceRequest, api.ListAsync));
        kvs.MapPost("/v1/get-ice-server-config", (HttpContext c, IceServerApi api) => KvsEndpoint.HandleAsync(c, json.GetIceServerConfigRequest, api.GetAsync));

        // The WebSocket data plane; the presigned query authenticates it. A WebSocket opens with a GET and an
        // Upgrade over HTTP/1.1 (RFC 6455 §4.1) or with an extended CONNECT over HTTP/2 (RFC 8441 §4), which a
        // browser uses whenever it already holds an HTTP/2 connection to the origin (a page served by Vigil).
        string[] handshakes = [HttpMethods.Get, HttpMethods.Connect];
        kvs.MapMethods(SignalingUrls.MasterPath, handshakes, (HttpContext c) => SignalingSocketEndpoint.HandleAsync(c, master: true));
        kvs.MapMethods(SignalingUrls.ViewerPath, handshakes, (HttpContext c) => SignalingSocketEndpoint.HandleAsync(c, master: false));
        return app;
    }
}
