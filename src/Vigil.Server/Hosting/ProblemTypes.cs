namespace Vigil.Server.Hosting;

/// <summary>Stable <c>type</c> URIs for problem details, one per kind of error (RFC 9457 §3.1.1).</summary>
internal static class ProblemTypes
{
    /// <summary>The start of every problem type URI; each feature's own types build on it.</summary>
    public const string Base = "https://vigil.invalid/problems/";

    public const string NotReady = Base + "not-ready";
    public const string Unexpected = Base + "unexpected";
}
