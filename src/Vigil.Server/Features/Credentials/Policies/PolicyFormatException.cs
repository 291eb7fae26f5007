namespace Vigil.Server.Features.Credentials.Policies;

/// <summary>
/// The one error a policy document can produce: the message names the element at fault
/// (<c>Statement[1].Action[0]: ...</c>) so that whoever wrote the policy can fix it from the message alone.
/// </summary>
internal sealed class PolicyFormatException : Exception
{
    public PolicyFormatException(string message)
        : base(message)
    {
    }

    public PolicyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PolicyFormatException()
    {
    }
}
