using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Cameras;

/// <summary>Refused: the owner already has a camera of that name (the API answers 409).</summary>
internal sealed class DuplicateCameraException : OperatorException
{
    public DuplicateCameraException(string message)
        : base(message)
    {
    }

    public DuplicateCameraException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DuplicateCameraException()
    {
    }
}
