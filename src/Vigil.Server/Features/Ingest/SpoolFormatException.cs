namespace Vigil.Server.Features.Ingest;

/// <summary>A spool file that is not a complete spool entry (corrupt or written by something else).</summary>
internal sealed class SpoolFormatException : Exception
{
    public SpoolFormatException(string message)
        : base(message)
    {
    }

    public SpoolFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SpoolFormatException()
    {
    }
}
