using System.Net.Security;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Provisioning;

internal static class ProvisioningFeature
{
    /// <summary>The ALPN protocol AWS IoT devices use for MQTT on port 443.</summary>
    public static readonly SslApplicationProtocol MqttAlpnProtocol = new("x-amzn-mqtt-ca");

    /// <summary>What every command needs: settings, fleet provisioning's services (used by the broker and by tests).</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.AddValidatedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        services.AddSingleton<OwnershipTokens>();
        services.AddScoped<DeviceCertificateIssuer>();
        services.AddScoped<ClaimBundleWriter>();
        services.AddSingleton<FleetProvisioningService>();
        services.AddSingleton<PreProvisioningHook>();
        services.AddHttpClient(PreProvisioningHook.HttpClientName, client => client.Timeout = PreProvisioningHook.Timeout);
        return services;
    }

    /// <summary>
    /// What <c>vigil serve</c> adds: the MQTT broker (MQTTnet, hosted in Kestrel) on
    /// <c>Provisioning:MqttPort</c> and, when set, <c>Provisioning:MqttAlpnPort</c>, both TLS with a
    /// client certificate required; presence; and the certificate watcher.
    /// </summary>
    public static WebApplicationBuilder AddDeviceBroker(this WebApplicationBuilder builder)
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
        services.AddSingleton<PresenceTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddSingleton<CertificateStatusWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CertificateStatusWatcher>());
        services.AddHostedService<DeviceBroker>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var server = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var provisioning = kestrel.ApplicationServices.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
            var endpoints = kestrel.ApplicationServices.GetRequiredService<DevicePlaneEndpoints>();
            PortProbe.EnsureFree(server.ListenAddress, provisioning.MqttPort, "Provisioning:MqttPort");
            KestrelSetup.Listen(kestrel, server.ListenAddress, provisioning.MqttPort, listen =>
            {
                endpoints.Mqtt = listen;
                listen.UseDeviceMutualTls("MQTT").UseMqtt();
            });
            if (provisioning.MqttAlpnPort is { } alpnPort)
            {
                PortProbe.EnsureFree(server.ListenAddress, alpnPort, "Provisioning:MqttAlpnPort");
                KestrelSetup.Listen(kestrel, server.ListenAddress, alpnPort, listen =>
                {
                    endpoints.MqttAlpn = listen;
                    listen.UseDeviceMutualTls("MQTT (ALPN x-amzn-mqtt-ca)", [MqttAlpnProtocol]).UseMqtt();
                });
            }
        });
        return builder;
    }
}
