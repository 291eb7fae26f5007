using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Features.Integrations;

/// <summary>
/// Limits an integration created for one owner to that owner's cameras: <c>vigil/{camera}/...</c>
/// and the discovery entries <c>{prefix}/{component}/vigil_{camera}_.../...</c> of cameras they own,
/// plus <c>vigil/status</c> (every discovery entry's availability topic, which says nothing about
/// anyone's cameras). A filter naming another owner's camera, or no camera at all, is refused; a
/// filter with a wildcard where the camera is named (<c>vigil/#</c>, <c>homeassistant/+/+/config</c>,
/// what Home Assistant subscribes to) is granted, and the broker then checks each message it would
/// deliver, retained ones included (<see cref="MayReceiveAsync"/>), so it carries only the owner's.
/// </summary>
internal sealed class OwnerTopicScope(Guid ownerId, string discoveryPrefix, CameraOwnerCache owners) : IIntegrationTopicScope
{
    public ValueTask<bool> MaySubscribeAsync(string filter, CancellationToken cancellationToken) => MayReadAsync(filter, cancellationToken);

    public ValueTask<bool> MayReceiveAsync(string topic, CancellationToken cancellationToken) => MayReadAsync(topic, cancellationToken);

    /// <summary>A topic has no wildcards, so the same rule answers for topics and for filters.</summary>
    private async ValueTask<bool> MayReadAsync(string filterOrTopic, CancellationToken cancellationToken)
    {
        var levels = filterOrTopic.Split('/');
        Guid camera;
        if (levels[0] == IntegrationTopics.Root)
        {
            // vigil/{camera}/..., and vigil/status.
            if (levels.Length < 2)
            {
                return false;
            }

            if (IsWildcard(levels[1]) || filterOrTopic == IntegrationTopics.Status)
            {
                return true;
            }

            if (!IntegrationTopics.TryParseCameraKey(levels[1], out camera))
            {
                return false;
            }
        }
        else if (levels[0] == discoveryPrefix)
        {
            // {prefix}/{component}/{object id}/config; the object id names the camera.
            if (levels.Length == 2 && levels[1] == "#")
            {
                return true;
            }

            if (levels.Length < 3)
            {
                return false;
            }

            if (IsWildcard(levels[2]))
            {
                return true;
            }

            if (!IntegrationTopics.TryParseObjectId(levels[2], out camera))
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        return await owners.OwnerOfAsync(camera, cancellationToken) == ownerId;
    }

    private static bool IsWildcard(string level) => level is "+" or "#";
}
