using System.Net.Security;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;
using Vigil.Server.Hosting.Metrics;

namespace Vigil.Server.Features.Provisioning;

internal static class ProvisioningFeature
{
    /// <summary>
    /// The ALPN protocols of the MQTT listeners: <c>x-amzn-mqtt-ca</c>, which the AWS IoT device SDKs (aws-crt)
    /// offer whenever their platform has ALPN, also on 8883, and <c>mqtt</c> (IANA's name for MQTT). A client
    /// that offers no ALPN at all is served too.
    /// </summary>
    public static readonly IReadOnlyList<SslApplicationProtocol> MqttApplicationProtocols = [new("x-amzn-mqtt-ca"), new("mqtt")];

    /// <summary>What every command needs: settings, fleet provisioning's services (used by the broker and by tests).</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddValidatedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        services.AddSingleton<OwnershipTokens>();
        services.AddScoped<DeviceCertificateIssuer>();
        services.AddScoped<ClaimBundleWriter>();
        services.AddSingleton<FleetProvisioningService>();
        services.AddSingleton<PreProvisioningHook>();
        services.AddScoped<Devices.IThingRevocationObserver, RetainedMessageRevocation>();
        services.AddHttpClient(PreProvisioningHook.HttpClientName, client => client.Timeout = PreProvisioningHook.Timeout);
        return services;
    }

    /// <summary>
    /// What <c>vigil serve</c> adds: the MQTT broker (MQTTnet, hosted in Kestrel) on
    /// <c>Provisioning:MqttPort</c> and, when set, <c>Provisioning:MqttAlpnPort</c>, both TLS with a
    /// client certificate required and the same ALPN rules (<see cref="MqttApplicationProtocols"/>);
    /// retained messages kept in the database; presence; and the certificate watcher.
    /// </summary>
    public static WebApplicationBuilder AddProvisioningServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<MQTTnet.Diagnostics.Logger.IMqttNetLogger, MqttNetLogBridge>();
        services.AddHostedMqttServer(mqtt => mqtt
            .WithoutDefaultEndpoint()
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(10)));
        services.AddMqttConnectionHandler();
        services.AddConnections();
        services.AddSingleton<DeviceConnections>();
        services.AddSingleton<DeviceConnectionAuthenticator>();
        services.AddSingleton<MqttPacketSizeLimit>();
        services.AddSingleton<CertificateRequestThrottle>();
        services.AddSingleton<RetainedMessageStore>();
        services.AddHostedService(sp => sp.GetRequiredService<RetainedMessageStore>());
        services.AddSingleton<RetainedMessageQuota>();
        services.AddSingleton<ProvisioningMetrics>();
        services.AddSingleton<IMetricSeries>(sp => sp.GetRequiredService<ProvisioningMetrics>());
        services.AddSingleton<MqttClusterRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttClusterRelay>());
        services.AddSingleton<RedisPresenceDirectory>();
        services.AddSingleton<IPresenceDirectory>(sp => sp.GetRequiredService<IOptions<Cluster.ClusterOptions>>().Value.Enabled
            ? sp.GetRequiredService<RedisPresenceDirectory>()
            : new LocalPresenceDirectory());
        services.AddSingleton<PresenceTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddSingleton<CertificateStatusWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CertificateStatusWatcher>());
        services.AddSingleton<Cluster.IRevocationListener>(sp => sp.GetRequiredService<CertificateStatusWatcher>());
        services.AddHostedService<DeviceBroker>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var server = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var provisioning = kestrel.ApplicationServices.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
            var endpoints = kestrel.ApplicationServices.GetRequiredService<DevicePlaneEndpoints>();
            var packetLimit = kestrel.ApplicationServices.GetRequiredService<MqttPacketSizeLimit>();
            PortProbe.EnsureFree(server.ListenAddress, provisioning.MqttPort, "Provisioning:MqttPort");
            KestrelSetup.ListenPublic(kestrel, server.ListenAddress, provisioning.MqttPort, listen =>
            {
                endpoints.Mqtt = listen;
                listen.UseDeviceMutualTls("MQTT", MqttApplicationProtocols).Use(next => connection => packetLimit.RunAsync(connection, next)).UseMqtt();
            });
            if (provisioning.MqttAlpnPort is { } alpnPort)
            {
                PortProbe.EnsureFree(server.ListenAddress, alpnPort, "Provisioning:MqttAlpnPort");
                KestrelSetup.ListenPublic(kestrel, server.ListenAddress, alpnPort, listen =>
                {
                    endpoints.MqttAlpn = listen;
                    listen.UseDeviceMutualTls("MQTT (second port)", MqttApplicationProtocols).Use(next => connection => packetLimit.RunAsync(connection, next)).UseMqtt();
                });
            }
        });
        return builder;
    }
}
