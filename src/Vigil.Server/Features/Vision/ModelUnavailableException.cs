using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Vision;

/// <summary>The detection model cannot be found, downloaded, verified or loaded; the message says what to do.</summary>
internal sealed class ModelUnavailableException : OperatorException
{
    public ModelUnavailableException(string message)
        : base(message)
    {
    }

    public ModelUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelUnavailableException()
    {
    }
}
