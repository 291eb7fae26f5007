using System.Buffers;
using System.Text;
using Vigil.SigV4;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A request signed with SigV4, header form (<c>Authorization</c>) or presigned query form, through the
/// whole verifier: claims, canonical request, signature. The input is the request as text, like the AWS
/// test suite's <c>.req</c> files: a request line <c>METHOD TARGET [HTTP/1.1]</c> (TARGET may be a full
/// <c>wss://host/path?query</c> URL, whose host becomes the Host header), header lines <c>Name:value</c>
/// (continuation lines start with a space or tab), an empty line, the body. Header lines Kestrel would
/// refuse (a name that is not an RFC 9110 token, a control character in the value) are dropped.
/// It is verified twice: at the AWS suite's time with paths as sent, and at the KVS JS SDK vectors' time
/// with AWS SDK path normalisation. Documented refusal: a failed <see cref="SigV4VerificationResult{T}"/>;
/// the verifier throws only for the caller's own mistakes (none here) or the resolver's.
/// </summary>
internal static class SigV4Harness
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SigV4Verifier<string> AwsSuite =
        Verifier(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero), SigV4CanonicalUriMode.AsSent);

    private static readonly SigV4Verifier<string> KvsJs =
        Verifier(new DateTimeOffset(2019, 12, 1, 0, 0, 0, TimeSpan.Zero), SigV4CanonicalUriMode.NormalizeAndEncode);

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!TryReadRequest(data, out var request))
        {
            return;
        }

        Verify(AwsSuite, request);
        Verify(KvsJs, request);
    }

    private static void Verify(SigV4Verifier<string> verifier, SigV4VerificationRequest request)
    {
        var pending = verifier.VerifyAsync(request);
        if (!pending.IsCompleted)
        {
            throw new InvalidOperationException("The harness's resolver is synchronous; verification should complete synchronously.");
        }

        var result = pending.GetAwaiter().GetResult();
        if (result.Succeeded == result.Failure is not null)
        {
            throw new InvalidOperationException("A verification result must be a success or carry a failure.");
        }
    }

    private static bool TryReadRequest(ReadOnlySpan<byte> data, out SigV4VerificationRequest request)
    {
        request = null!;
        var text = Encoding.UTF8.GetString(data);
        var bodyStart = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = bodyStart < 0 ? text : text[..bodyStart];
        var body = bodyStart < 0 ? [] : Encoding.UTF8.GetBytes(text[(bodyStart + 2)..]);
        var lines = head.Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        if (requestLine.Length < 2 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
        {
            return false;
        }

        var headers = new SigV4HeaderCollection();
        var target = requestLine[1];
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            var authority = target[(scheme + 3)..];
            var pathStart = authority.IndexOfAny(['/', '?']);
            headers.Add("Host", pathStart < 0 ? authority : authority[..pathStart]);
            target = pathStart < 0 ? "/" : authority[pathStart..];
            if (target[0] == '?')
            {
                target = "/" + target;
            }
        }

        string? name = null;
        var value = new StringBuilder();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                value.Append(',').Append(line.Trim());
                continue;
            }

            Flush(headers, name, value);
            var colon = line.IndexOf(':');
            name = colon > 0 ? line[..colon] : null;
            value.Clear().Append(colon > 0 ? line[(colon + 1)..] : "");
        }

        Flush(headers, name, value);
        var question = target.IndexOf('?');
        request = new SigV4VerificationRequest
        {
            Method = requestLine[0],
            Path = question < 0 ? target : target[..question],
            QueryString = question < 0 ? null : target[question..],
            Headers = headers,
            Body = body,
        };
        return true;
    }

    private static void Flush(SigV4HeaderCollection headers, string? name, StringBuilder value)
    {
        if (name is null || !IsToken(name))
        {
            return;
        }

        var text = value.ToString();
        if (text.AsSpan().IndexOfAnyInRange('\0', '\u001f') is var control && control >= 0 && text[control] != '\t')
        {
            return;
        }

        headers.Add(name, text.Trim());
    }

    // RFC 9110 §5.6.2: token = 1*tchar.
    private static bool IsToken(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(TokenChars);

    private static SigV4Verifier<string> Verifier(DateTimeOffset now, SigV4CanonicalUriMode mode)
    {
        var options = new SigV4VerifierOptions { CanonicalUriMode = mode };
        options.AllowedServices.Add("service");
        return new SigV4Verifier<string>(new Resolver(), new FixedTime(now), options);
    }

    /// <summary>The AWS test suite's and the KVS JS SDK tests' keys.</summary>
    private sealed class Resolver : ISigV4CredentialResolver<string>
    {
        public ValueTask<SigV4CredentialLookup<string>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult(accessKeyId switch
            {
                "AKIDEXAMPLE" => new SigV4CredentialLookup<string>("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "aws-suite"),
                "AKIA4F7WJQR7FMMWMNXI" => new SigV4CredentialLookup<string>("FakeSecretKey", "kvs-js"),
                _ => new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.UnknownAccessKey),
            });
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
