using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Identity;

/// <summary>An account operation an operator asked for cannot be done (unknown email, weak password, duplicate...).</summary>
internal sealed class AccountException : OperatorException
{
    public AccountException(string message)
        : base(message)
    {
    }

    public AccountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AccountException()
    {
    }
}
