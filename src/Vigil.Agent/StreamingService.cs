using Microsoft.Extensions.Logging;
using Vigil.Agent.Credentials;
using Vigil.Agent.Media;
using Vigil.Agent.Signaling;
using Vigil.Agent.Streaming;
using Vigil.SigV4;

namespace Vigil.Agent;

/// <summary>
/// Live video for <c>vigil-agent run</c>: the source (ffmpeg) feeding the <see cref="LiveStream"/>, and
/// the signaling master answering viewers from it. Runs until cancelled; each part retries on its own.
/// </summary>
internal sealed class StreamingService(AgentBundle bundle, DeviceState state, ProvisionedThing thing, StreamSettings settings, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>The ffmpeg to run: <c>$VIGIL_AGENT_FFMPEG</c>, else <c>ffmpeg</c> on PATH.</summary>
    public static string Ffmpeg => Environment.GetEnvironmentVariable("VIGIL_AGENT_FFMPEG") is { Length: > 0 } path ? path : "ffmpeg";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var configuration = bundle.Configuration;
        using var root = bundle.LoadRootCertificate();
        using var certificate = state.LoadDeviceCertificate();
        using var providerHttp = new HttpClient(AgentTrust.Handler(root, certificate)) { Timeout = TimeSpan.FromSeconds(20) };
        using var credentials = new DeviceCredentials(providerHttp, configuration.CredentialsProvider.Url, configuration.CredentialsProvider.RoleAlias, thing.ThingName,
            time, loggers.CreateLogger<DeviceCredentials>());
        using var kvsHttp = new HttpClient(new SigV4SigningHandler(credentials.GetAsync, configuration.Region, "kinesisvideo", time)
        {
            InnerHandler = AgentTrust.Handler(root),
        })
        { Timeout = TimeSpan.FromSeconds(20) };
        var live = new LiveStream(settings.GopCacheBytes);
        await using var viewers = new ViewerHub(settings, live, loggers, time);
        var master = new MasterSession(thing.ThingName, configuration.Region, root, credentials, new KvsControlPlane(kvsHttp, configuration.HttpsBaseUrl),
            viewers, loggers.CreateLogger<MasterSession>(), time);
        var source = new SourceRunner(settings, live, Ffmpeg, loggers, time);
        await Task.WhenAll(source.RunAsync(cancellationToken), master.RunAsync(cancellationToken));
    }
}
