using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Provisioning;

/// <summary>A claim bundle cannot be written as asked (bad template name, files in the way).</summary>
internal sealed class ClaimBundleException : OperatorException
{
    public ClaimBundleException(string message)
        : base(message)
    {
    }

    public ClaimBundleException()
    {
    }

    public ClaimBundleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
