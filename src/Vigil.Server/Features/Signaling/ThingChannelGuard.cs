using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Devices;

namespace Vigil.Server.Features.Signaling;

/// <summary>
/// A camera's channel (named after its thing) is the camera's: only the thing itself, or an
/// administrator's long-term key, may ConnectAsMaster on it, update it or delete it, whatever else a
/// policy grants. Otherwise any key with <c>kinesisvideo:*</c> could take the master's place and push
/// the camera off its own channel. Checked after the policy, so a refusal by policy reads as before.
/// </summary>
internal sealed class ThingChannelGuard(ThingRegistry things)
{
    public async Task<bool> MayControlAsync(CallerIdentity caller, string arn, CancellationToken cancellationToken)
    {
        if (caller.IsAdministrator)
        {
            return true;
        }

        // arn:aws:kinesisvideo:<region>:<account>:channel/<name>/<creation-millis>
        var parts = arn.Split('/');
        if (parts.Length != 3)
        {
            return true;
        }

        var name = parts[1];
        if (caller.Principal.Kind == PrincipalKind.Thing && caller.Principal.Name == name)
        {
            return true;
        }

        return await things.FindAsync(name, cancellationToken) is null;
    }
}
