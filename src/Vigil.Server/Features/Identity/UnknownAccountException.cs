using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Identity;

/// <summary>A command named an owner by an e-mail address that no account has.</summary>
internal sealed class UnknownAccountException : OperatorException
{
    public UnknownAccountException(string message)
        : base(message)
    {
    }

    public UnknownAccountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnknownAccountException()
    {
    }
}
