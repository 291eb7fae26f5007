using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>
/// Hostile input: truncated, oversized and random requests must yield a typed <see cref="SigV4Failure"/>
/// (or, for an edit that changes nothing that is signed, success), never an exception.
/// </summary>
public sealed class ParserRobustnessTests
{
    private const int OneMegabyte = 1 << 20;
    private readonly Scenario _scenario = new();

    [Fact]
    public async Task Every_truncation_of_an_authorization_header_is_a_typed_failure()
    {
        var signed = _scenario.SignedPost(Scenario.Temporary);
        signed.Headers.TryGetValues("Authorization", out var values);
        var authorization = values![0];
        var verifier = _scenario.Verifier();

        for (var length = 0; length < authorization.Length; length++)
        {
            var cut = authorization[..length];
            var result = await verifier.VerifyAsync(Scenario.With(signed, headers: h => h.Set("Authorization", cut)), TestContext.Current.CancellationToken);
            AssertTyped(result, $"length {length}");
            Assert.False(result.Succeeded);
        }
    }

    [Fact]
    public async Task Every_truncation_of_a_presigned_url_is_a_typed_failure()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary);
        var verifier = _scenario.Verifier();
        var queryStart = url.IndexOf('?', StringComparison.Ordinal);

        for (var length = queryStart; length < url.Length; length++)
        {
            var result = await verifier.VerifyAsync(Urls.ToUpgradeRequest(url[..length]), TestContext.Current.CancellationToken);
            AssertTyped(result, $"length {length}");
            Assert.False(result.Succeeded);
        }
    }

    [Fact]
    public async Task One_megabyte_authorization_header_is_refused_as_malformed()
    {
        var huge = "AWS4-HMAC-SHA256 Credential=" + new string('A', OneMegabyte) + ", SignedHeaders=host, Signature=" + new string('a', 64);

        var result = await _scenario.VerifyAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Set("Authorization", huge)));

        Assert.Equal(SigV4FailureReason.MalformedAuthorization, result.Failure?.Reason);
        Assert.Equal(0, _scenario.Resolver.Lookups);
    }

    [Theory]
    [InlineData("X-Amz-Date", SigV4FailureReason.MalformedDate)]
    [InlineData("X-Amz-Security-Token", SigV4FailureReason.InvalidSessionToken)]
    [InlineData("X-Amz-Content-Sha256", SigV4FailureReason.ContentHashMismatch)]
    [InlineData("Content-Type", SigV4FailureReason.SignatureMismatch)]
    public async Task One_megabyte_header_value_is_a_typed_failure(string header, SigV4FailureReason reason)
    {
        var huge = new string('7', OneMegabyte);

        var result = await _scenario.VerifyAsync(Scenario.With(_scenario.SignedPost(Scenario.Temporary, new SigV4SignerOptions { SignSessionToken = false }),
            headers: h => h.Set(header, huge)));

        Assert.Equal(reason, result.Failure?.Reason);
    }

    [Theory]
    [InlineData("X-Amz-Credential", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("X-Amz-SignedHeaders", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("X-Amz-Signature", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("X-Amz-Date", SigV4FailureReason.MalformedDate)]
    [InlineData("X-Amz-Expires", SigV4FailureReason.SignatureMismatch)]
    [InlineData("X-Amz-ChannelARN", SigV4FailureReason.SignatureMismatch)]
    public async Task One_megabyte_query_parameter_is_a_typed_failure(string name, SigV4FailureReason reason)
    {
        var url = _scenario.PresignedViewerUrl(Scenario.LongTerm);
        var pairs = Urls.QueryOf(url).Split('&').Select(p => p.StartsWith(name + "=", StringComparison.Ordinal) ? $"{name}={new string('9', OneMegabyte)}" : p);

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(Urls.WithQuery(url, string.Join('&', pairs))));

        Assert.Equal(reason, result.Failure?.Reason);
    }

    [Fact]
    public async Task One_megabyte_query_of_tiny_parameters_is_a_typed_failure()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.LongTerm);
        var noise = string.Join('&', Enumerable.Range(0, OneMegabyte / 8).Select(i => $"p{i % 1000}=%{i % 7}"));

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(url + "&" + noise));

        Assert.Equal(SigV4FailureReason.SignatureMismatch, result.Failure?.Reason);
    }

    [Theory]
    [InlineData(SigV4CanonicalUriMode.AsSent)]
    [InlineData(SigV4CanonicalUriMode.NormalizeAndEncode)]
    public async Task One_megabyte_path_of_dot_segments_is_a_typed_failure(SigV4CanonicalUriMode mode)
    {
        var path = string.Concat(Enumerable.Repeat("/a/../%2e%2E/./", OneMegabyte / 15));

        var result = await _scenario.VerifyAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), path: path),
            new SigV4VerifierOptions { CanonicalUriMode = mode });

        Assert.Equal(SigV4FailureReason.SignatureMismatch, result.Failure?.Reason);
    }

    [Fact]
    public async Task Thousands_of_randomly_mutated_requests_yield_only_typed_results()
    {
        var random = new SplitMix64(0x5167_4_2024);
        var mutator = new Mutator(random);
        var verifiers = new[]
        {
            _scenario.Verifier(),
            _scenario.Verifier(new SigV4VerifierOptions { CanonicalUriMode = SigV4CanonicalUriMode.NormalizeAndEncode }),
        };
        var headerSigned = new[]
        {
            _scenario.SignedPost(Scenario.Temporary, query: "?a=1&b=%2F"),
            _scenario.SignedPost(Scenario.Temporary, new SigV4SignerOptions { SignSessionToken = false, AddContentSha256Header = true }),
            _scenario.SignedPost(Scenario.LongTerm, path: "/v1/get-ice-server-config"),
        };
        var urls = new[]
        {
            _scenario.PresignedViewerUrl(Scenario.Temporary),
            _scenario.PresignedViewerUrl(Scenario.LongTerm, new SigV4SignerOptions { PresignedSignaturePlacement = SigV4SignaturePlacement.Last }),
        };

        var failures = 0;
        var reasons = new HashSet<SigV4FailureReason>();
        for (var i = 0; i < 6000; i++)
        {
            var request = random.Next(5) switch
            {
                0 => MutateAuthorization(random.Pick(headerSigned), mutator),
                1 => MutateHeaders(random.Pick(headerSigned), mutator, random),
                2 => Scenario.With(random.Pick(headerSigned), path: mutator.Mutate(random.Pick(headerSigned).Path), query: mutator.Mutate("?a=1&b=%2F")),
                3 => MutateUrl(random.Pick(urls), mutator),
                _ => Garbage(random),
            };

            var result = await random.Pick(verifiers).VerifyAsync(request, TestContext.Current.CancellationToken);

            AssertTyped(result, $"case {i}");
            failures += result.Succeeded ? 0 : 1;
            if (!result.Succeeded)
            {
                reasons.Add(result.Failure.Reason);
            }
        }

        // The edits must reach past the first parser into the later checks (signature, time, scope, tokens).
        Assert.True(reasons.Count >= 12, "reasons reached: " + string.Join(", ", reasons.Order()));
        Assert.Contains(SigV4FailureReason.SignatureMismatch, reasons);

        // Nearly every edit breaks something; a success is only possible when an edit changed nothing signed.
        Assert.InRange(failures, 5400, 6000);
    }

    private static SigV4VerificationRequest MutateAuthorization(SigV4VerificationRequest request, Mutator mutator) =>
        Scenario.With(request, headers: h =>
        {
            h.TryGetValues("Authorization", out var values);
            h.Set("Authorization", mutator.Mutate(values![0]));
        });

    private static SigV4VerificationRequest MutateUrl(string url, Mutator mutator)
    {
        var request = Urls.ToUpgradeRequest(Urls.WithQuery(url, mutator.Mutate(Urls.QueryOf(url))));
        return Scenario.With(request, path: mutator.Mutate(request.Path));
    }

    private static SigV4VerificationRequest MutateHeaders(SigV4VerificationRequest request, Mutator mutator, SplitMix64 random) =>
        Scenario.With(request, headers: h =>
        {
            var name = random.Pick(["X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Host", "Content-Type", "Date"]);
            h.Set(name, h.TryGetValues(name, out var values) ? mutator.Mutate(values[0]) : mutator.Mutate("Mon, 01 Jan 2024 12:00:00 GMT"));
            if (random.Chance(10))
            {
                h.Add(name, "second");
            }
        });

    private static SigV4VerificationRequest Garbage(SplitMix64 random)
    {
        var headers = new SigV4HeaderCollection();
        for (var i = random.Next(6); i > 0; i--)
        {
            headers.Add(random.Pick(["Authorization", "X-Amz-Date", "Host", "Date", "X-Amz-Security-Token", random.Text(0, 10, RandomText.AnyChar)]),
                random.Text(0, 80, random.Chance(50) ? RandomText.AnyChar : RandomText.VisibleAsciiAndSpaces));
        }

        return new SigV4VerificationRequest
        {
            Method = random.Text(0, 8, RandomText.AnyChar),
            Path = random.Text(0, 40, RandomText.AnyChar),
            QueryString = random.Chance(80) ? random.Text(0, 200, RandomText.AnyChar) : null,
            Headers = headers,
            Body = random.Bytes(random.Next(40)),
        };
    }

    private static void AssertTyped(SigV4VerificationResult<string> result, string context)
    {
        if (result.Succeeded)
        {
            Assert.NotNull(result.Principal);
            return;
        }

        Assert.True(Enum.IsDefined(result.Failure.Reason), context);
        Assert.True(Enum.IsDefined(result.Failure.ErrorType), context);
        Assert.EndsWith("Exception", result.Failure.ErrorTypeName, StringComparison.Ordinal);
        Assert.Equal(403, result.Failure.HttpStatusCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message), context);
        Assert.True(result.Failure.Message.Length < 600, context);
    }
}
