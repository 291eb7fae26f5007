namespace Vigil.Server.Tests.Support;

/// <summary>OpenSSL's command line, an independent check of the certificates Vigil issues.</summary>
internal static class OpenSsl
{
    public static Task<ProcessResult> VerifyAsync(string caFile, string certificateFile, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Requirements.Executable("openssl"), ["verify", "-CAfile", caFile, certificateFile], cancellationToken: cancellationToken);

    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Requirements.Executable("openssl"), arguments, cancellationToken: cancellationToken);
}
