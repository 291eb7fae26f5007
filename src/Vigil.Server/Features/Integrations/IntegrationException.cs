using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Integrations;

/// <summary>An integration command cannot do what was asked (bad name, name taken, unknown integration...).</summary>
internal sealed class IntegrationException : OperatorException
{
    public IntegrationException(string message)
        : base(message)
    {
    }

    public IntegrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IntegrationException()
    {
    }
}
