using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Parsing;

/// <summary>
/// <c>&lt;access key id&gt;/&lt;yyyymmdd&gt;/&lt;region&gt;/&lt;service&gt;/aws4_request</c>, the value of
/// <c>Credential=</c> (header form) or <c>X-Amz-Credential</c> (query form).
/// </summary>
internal sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    private const int MaxAccessKeyIdLength = 128;

    public static bool TryParse(ReadOnlySpan<char> text, out CredentialScope? scope, out SigV4Failure? failure)
    {
        scope = null;
        Span<Range> parts = stackalloc Range[6];
        if (text.Split(parts, '/') != 5)
        {
            failure = Malformed();
            return false;
        }

        var accessKeyId = text[parts[0]];
        var date = text[parts[1]];
        var region = text[parts[2]];
        var service = text[parts[3]];
        var terminator = text[parts[4]];
        if (accessKeyId.IsEmpty || accessKeyId.Length > MaxAccessKeyIdLength || !IsVisibleAscii(accessKeyId)
            || accessKeyId.ContainsAny(SigV4Names.AccessKeyIdDelimiters)
            || date.Length != 8 || date.ContainsAnyExceptInRange('0', '9')
            || !SigV4Names.IsScopeName(region) || !SigV4Names.IsScopeName(service))
        {
            failure = Malformed();
            return false;
        }

        if (!terminator.SequenceEqual(SignatureMath.Terminator))
        {
            failure = new SigV4Failure(SigV4FailureReason.MalformedAuthorization,
                "Credential should be scoped with a valid terminator: 'aws4_request'.");
            return false;
        }

        scope = new CredentialScope(accessKeyId.ToString(), date.ToString(), region.ToString(), service.ToString());
        failure = null;
        return true;
    }

    private static bool IsVisibleAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('!', '~');

    private static SigV4Failure Malformed() => new(SigV4FailureReason.MalformedAuthorization,
        "Credential must have the form <access key id>/<yyyymmdd>/<region>/<service>/aws4_request.");
}
