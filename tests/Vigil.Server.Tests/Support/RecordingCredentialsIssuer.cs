using Vigil.Server.Features.Credentials;

namespace Vigil.Server.Tests.Support;

/// <summary>
/// A FAKE issuer, standing in for Signaling's temporary-credential service until both are in one
/// tree: it records what the credentials provider asked for (thing, policy, duration) and returns
/// recognisable values. The credentials provider's own behaviour (mTLS, thing check, format) is real.
/// </summary>
internal sealed class RecordingCredentialsIssuer(TimeProvider time) : IDeviceCredentialsIssuer
{
    public List<DeviceCredentialsRequest> Requests { get; } = [];

    public DeviceCredentials Issue(DeviceCredentialsRequest request)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return new DeviceCredentials("ASIAFAKEFAKEFAKE0001", "fake-secret", "fake-token", time.GetUtcNow().AddTicks(1234567) + request.Duration);
    }
}
