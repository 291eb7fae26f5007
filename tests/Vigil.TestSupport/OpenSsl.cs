namespace Vigil.TestSupport;

/// <summary>OpenSSL's command line, an independent check of the certificates Vigil issues.</summary>
internal static class OpenSsl
{
    public static Task<ProcessResult> VerifyAsync(string caFile, string certificateFile, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(RequiredTool.Find("openssl", "openssl"), ["verify", "-CAfile", caFile, certificateFile], cancellationToken: cancellationToken);

    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(RequiredTool.Find("openssl", "openssl"), arguments, cancellationToken: cancellationToken);
}
