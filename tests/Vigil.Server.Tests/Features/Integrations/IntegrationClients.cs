using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Protocol;
using Vigil.Server.Features.Integrations;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary>Integration identities for tests, issued the way <c>vigil integrations create</c> issues them, and a message recorder.</summary>
internal static class IntegrationClients
{
    public static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(20);

    /// <summary>An integration that reads every owner's cameras (<c>--all-owners</c>).</summary>
    public static Task<string> CreateBundleAsync(RunningVigil vigil, string name, CancellationToken cancellationToken) =>
        CreateBundleAsync(vigil, name, null, cancellationToken);

    /// <summary>An integration that reads the cameras of <paramref name="ownerId"/>, or every owner's when null.</summary>
    public static async Task<string> CreateBundleAsync(RunningVigil vigil, string name, Guid? ownerId, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(vigil.DataPath, "integrations", name);
        await using var scope = vigil.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IntegrationDirectory>().CreateAsync(name, ownerId, directory, overwrite: false, cancellationToken);
        return directory;
    }

    /// <summary>The client certificate of an integration that reads every owner's cameras (<c>--all-owners</c>).</summary>
    public static Task<X509Certificate2> CreateAsync(RunningVigil vigil, string name, CancellationToken cancellationToken) =>
        CreateAsync(vigil, name, null, cancellationToken);

    /// <summary>The client certificate of an integration that reads the cameras of <paramref name="ownerId"/>, or every owner's when null.</summary>
    public static async Task<X509Certificate2> CreateAsync(RunningVigil vigil, string name, Guid? ownerId, CancellationToken cancellationToken)
    {
        var directory = await CreateBundleAsync(vigil, name, ownerId, cancellationToken);
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, IntegrationDirectory.CertificateFile), Path.Combine(directory, IntegrationDirectory.KeyFile));
    }

    public static async Task RefreshDiscoveryAsync(RunningVigil vigil, CancellationToken cancellationToken) =>
        await vigil.App.Services.GetRequiredService<HomeAssistantPublisher>().RefreshAsync(cancellationToken);

    public static MqttClientSubscribeOptions Subscription(params string[] filters)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return builder.Build();
    }
}
