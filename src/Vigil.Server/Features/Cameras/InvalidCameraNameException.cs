using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>Refused: a camera name is empty, too long or has control characters (the API answers 400).</summary>
internal sealed class InvalidCameraNameException : OperatorException
{
    public InvalidCameraNameException(string message)
        : base(message)
    {
    }

    public InvalidCameraNameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidCameraNameException()
    {
    }
}
