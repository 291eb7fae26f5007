using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

internal sealed class CameraNotFoundException : OperatorException
{
    public CameraNotFoundException(string message)
        : base(message)
    {
    }

    public CameraNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CameraNotFoundException()
    {
    }
}
