namespace Vigil.WebRtc.Sdp;

/// <summary>An offer could not be parsed, or asks for something this sender cannot answer.</summary>
public sealed class SdpException : Exception
{
    /// <summary>Creates the exception with a message naming the offending line or rule.</summary>
    public SdpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public SdpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without details.</summary>
    public SdpException()
        : base("Invalid session description.")
    {
    }
}
