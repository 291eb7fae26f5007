namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// What an owner-scoped integration may read within its topic filters (<c>vigil/#</c> and the
/// discovery prefix): only its owner's cameras' topics and discovery entries. A camera's owner is
/// known only to Integrations and Cameras, so the broker asks through this interface. A filter that
/// spans cameras (a wildcard where the camera is named) is granted, and then every message it would
/// deliver, retained ones included, is checked with <see cref="MayReceiveAsync"/>.
/// </summary>
internal interface IIntegrationTopicScope
{
    /// <summary>Whether the filter can match one of the owner's topics (and names no other owner's camera).</summary>
    ValueTask<bool> MaySubscribeAsync(string filter, CancellationToken cancellationToken);

    /// <summary>Whether the topic is the owner's camera's, or one every integration reads (<c>vigil/status</c>).</summary>
    ValueTask<bool> MayReceiveAsync(string topic, CancellationToken cancellationToken);
}
