namespace Vigil.Server.Features.Integrations;

/// <summary>A message could not be handed to the broker (not running, shutting down).</summary>
internal sealed class IntegrationPublishException : Exception
{
    public IntegrationPublishException(string message)
        : base(message)
    {
    }

    public IntegrationPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IntegrationPublishException()
    {
    }
}
