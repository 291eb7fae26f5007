namespace Vigil.Agent.Signaling;

/// <summary>A KVS API call answered with an error (status, <c>x-amzn-ErrorType</c> and <c>Message</c>).</summary>
internal sealed class KvsCallException(string operation, int status, string errorType, string message)
    : Exception($"{operation} was refused: {status} {errorType}{(message.Length > 0 ? ": " + message : string.Empty)}")
{
    public string ErrorType { get; } = errorType;

    public int Status { get; } = status;
}
