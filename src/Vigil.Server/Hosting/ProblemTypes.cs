namespace Vigil.Server.Hosting;

/// <summary>Stable <c>type</c> URIs for problem details, one per kind of error (RFC 9457 §3.1.1).</summary>
internal static class ProblemTypes
{
    private const string Base = "https://vigil.invalid/problems/";

    public const string NotReady = Base + "not-ready";
    public const string Unexpected = Base + "unexpected";
}
