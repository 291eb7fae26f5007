using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>Requests that must be refused, with the AWS error a server would answer.</summary>
public sealed class RefusalTests
{
    private const string MismatchText = "The request signature we calculated does not match the signature you provided.";
    private readonly Scenario _scenario = new();

    [Fact]
    public async Task Tampered_signature_is_refused_as_a_mismatch_with_the_aws_text()
    {
        var request = Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h =>
        {
            h.TryGetValues("Authorization", out var values);
            var flipped = values![0][^1] == '0' ? '1' : '0';
            h.Set("Authorization", values[0][..^1] + flipped);
        });

        var failure = await RefusedAsync(request, SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

        Assert.StartsWith(MismatchText, failure.Message, StringComparison.Ordinal);
        Assert.Equal(403, failure.HttpStatusCode);
        Assert.Equal("InvalidSignatureException", failure.ErrorTypeName);
        Assert.StartsWith("POST\n/describeSignalingChannel\n", failure.CanonicalRequest, StringComparison.Ordinal);
        Assert.StartsWith("AWS4-HMAC-SHA256\n", failure.StringToSign, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_body_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), body: "{\"ChannelName\":\"camera-0002\"}"u8.ToArray()),
            SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Body_that_no_longer_matches_its_content_sha256_header_is_refused()
    {
        var signed = _scenario.SignedPost(Scenario.LongTerm, new SigV4SignerOptions { AddContentSha256Header = true });

        var failure = await RefusedAsync(Scenario.With(signed, body: [1, 2, 3]), SigV4FailureReason.ContentHashMismatch, SigV4ErrorType.InvalidSignatureException);

        Assert.Contains("x-amz-content-sha256", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    public async Task Unsigned_streaming_or_malformed_content_sha256_is_refused(string value) =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Set("x-amz-content-sha256", value)),
            SigV4FailureReason.ContentHashMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Tampered_signed_header_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Set("Content-Type", "text/plain")),
            SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Tampered_path_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), path: "/deleteSignalingChannel"),
            SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Tampered_query_of_a_header_signed_request_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm, query: "?a=1"), query: "?a=2"),
            SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Presigned_url_for_another_channel_is_refused()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary).Replace("camera-0001", "camera-0002", StringComparison.Ordinal);

        await RefusedAsync(Urls.ToUpgradeRequest(url), SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);
    }

    [Fact]
    public async Task Presigned_url_used_on_another_host_is_refused()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary).Replace("v-0a1b2c3d", "v-99999999", StringComparison.Ordinal);

        await RefusedAsync(Urls.ToUpgradeRequest(url), SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);
    }

    [Fact]
    public async Task Request_signed_with_the_wrong_secret_is_refused() =>
        await RefusedAsync(_scenario.SignedPost(new SigV4Credentials(Scenario.LongTerm.AccessKeyId, "NotTheSecret")),
            SigV4FailureReason.SignatureMismatch, SigV4ErrorType.InvalidSignatureException);

    [Fact]
    public async Task Unknown_access_key_is_refused_as_unrecognized_client()
    {
        var failure = await RefusedAsync(_scenario.SignedPost(new SigV4Credentials("AKIAUNKNOWN000000000", "whatever")),
            SigV4FailureReason.UnknownAccessKey, SigV4ErrorType.UnrecognizedClientException);

        Assert.Equal("The security token included in the request is invalid.", failure.Message);
    }

    [Fact]
    public async Task Temporary_key_without_its_session_token_is_refused_as_unrecognized_client() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.Temporary, new SigV4SignerOptions { SignSessionToken = false }),
                headers: h => h.Remove("X-Amz-Security-Token")),
            SigV4FailureReason.InvalidSessionToken, SigV4ErrorType.UnrecognizedClientException);

    [Fact]
    public async Task Temporary_key_with_another_session_token_is_refused_as_unrecognized_client() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.Temporary, new SigV4SignerOptions { SignSessionToken = false }),
                headers: h => h.Set("X-Amz-Security-Token", "forged")),
            SigV4FailureReason.InvalidSessionToken, SigV4ErrorType.UnrecognizedClientException);

    [Fact]
    public async Task Expired_session_token_is_refused_as_expired_token()
    {
        var request = _scenario.SignedPost(Scenario.Temporary, at: Scenario.Start.AddHours(1));
        _scenario.Clock.Advance(TimeSpan.FromHours(1));

        var failure = await RefusedAsync(request, SigV4FailureReason.ExpiredSessionToken, SigV4ErrorType.ExpiredTokenException);

        Assert.Equal("ExpiredTokenException", failure.ErrorTypeName);
    }

    [Fact]
    public async Task Expired_presigned_url_is_refused_with_signature_expired()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary);
        _scenario.Clock.Advance(TimeSpan.FromSeconds(300));

        var failure = await RefusedAsync(Urls.ToUpgradeRequest(url), SigV4FailureReason.SignatureExpired, SigV4ErrorType.InvalidSignatureException);

        Assert.Contains("Signature expired", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _scenario.Resolver.Lookups);
    }

    [Fact]
    public async Task Presigned_url_from_the_future_is_refused_with_signature_not_yet_current()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary, at: Scenario.Start.AddMinutes(5).AddSeconds(1));

        var failure = await RefusedAsync(Urls.ToUpgradeRequest(url), SigV4FailureReason.SignatureNotYetCurrent, SigV4ErrorType.InvalidSignatureException);

        Assert.Contains("Signature not yet current", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_signed_request_from_the_future_is_refused_with_signature_not_yet_current()
    {
        var failure = await RefusedAsync(_scenario.SignedPost(Scenario.LongTerm, at: Scenario.Start.AddMinutes(6)),
            SigV4FailureReason.SignatureNotYetCurrent, SigV4ErrorType.InvalidSignatureException);

        Assert.Equal("Signature not yet current: 20240101T120600Z is still later than 20240101T120500Z (20240101T120000Z + 5 min.).", failure.Message);
    }

    [Fact]
    public async Task Header_signed_request_older_than_the_skew_window_is_refused_with_signature_expired()
    {
        var failure = await RefusedAsync(_scenario.SignedPost(Scenario.LongTerm, at: Scenario.Start.AddMinutes(-5).AddSeconds(-1)),
            SigV4FailureReason.SignatureExpired, SigV4ErrorType.InvalidSignatureException);

        Assert.Equal("Signature expired: 20240101T115459Z is now earlier than 20240101T115500Z (20240101T120000Z - 5 min.).", failure.Message);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public async Task Header_signed_request_exactly_at_the_edge_of_the_skew_window_verifies(int offsetSeconds) =>
        Assert.True((await _scenario.VerifyAsync(_scenario.SignedPost(Scenario.LongTerm, at: Scenario.Start.AddSeconds(offsetSeconds)))).Succeeded);

    [Fact]
    public async Task Configured_skew_window_is_honoured()
    {
        var request = _scenario.SignedPost(Scenario.LongTerm, at: Scenario.Start.AddSeconds(-90));

        Assert.True((await _scenario.VerifyAsync(request)).Succeeded);
        var failure = await RefusedAsync(request, SigV4FailureReason.SignatureExpired, SigV4ErrorType.InvalidSignatureException,
            new SigV4VerifierOptions { AllowedClockSkew = TimeSpan.FromSeconds(45) });
        Assert.EndsWith("(20240101T120000Z - 45 sec.).", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_expiry_beyond_a_week_is_capped_at_a_week()
    {
        var url = PresignByHand(expires: "999999");
        _scenario.Clock.Advance(TimeSpan.FromSeconds(604_800));
        Assert.True((await _scenario.VerifyAsync(Urls.ToUpgradeRequest(url))).Succeeded);

        _scenario.Clock.Advance(TimeSpan.FromSeconds(1));
        var failure = await RefusedAsync(Urls.ToUpgradeRequest(url), SigV4FailureReason.SignatureExpired, SigV4ErrorType.InvalidSignatureException);
        Assert.Contains("+ 604800 sec.", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("299 ")]
    public async Task Malformed_presigned_expiry_is_refused(string expires) =>
        await RefusedAsync(Urls.ToUpgradeRequest(PresignByHand(expires: expires)), SigV4FailureReason.MalformedExpires, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Wrong_service_is_refused()
    {
        var signed = new SigV4Signer().Presign(new Uri("wss://v.example"), null, Scenario.LongTerm, Scenario.Region, "s3", Scenario.Start, TimeSpan.FromMinutes(1));

        var failure = await RefusedAsync(Urls.ToUpgradeRequest(signed.Url), SigV4FailureReason.ServiceNotAllowed, SigV4ErrorType.InvalidSignatureException);

        Assert.Equal("Credential should be scoped to correct service: 'kinesisvideo'.", failure.Message);
    }

    [Fact]
    public async Task Region_outside_the_allowed_ones_is_refused()
    {
        var options = new SigV4VerifierOptions();
        options.AllowedRegions.Add("eu-central-1");

        await RefusedAsync(_scenario.SignedPost(Scenario.LongTerm), SigV4FailureReason.RegionNotAllowed, SigV4ErrorType.InvalidSignatureException, options);
    }

    [Fact]
    public async Task Credential_scope_date_other_than_the_request_date_is_refused()
    {
        var request = Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => ReplaceInAuthorization(h, "/20240101/", "/20231231/"));

        var failure = await RefusedAsync(request, SigV4FailureReason.ScopeDateMismatch, SigV4ErrorType.InvalidSignatureException);

        Assert.Contains("'20231231' != '20240101'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_url_without_host_in_signed_headers_is_refused()
    {
        var url = PresignByHand(signedHeaders: "x-amz-meta");

        var failure = await RefusedAsync(Urls.ToUpgradeRequest(url, new SigV4HeaderCollection { { "X-Amz-Meta", "1" } }),
            SigV4FailureReason.RequiredHeaderNotSigned, SigV4ErrorType.IncompleteSignatureException);

        Assert.Contains("'Host'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_signed_request_without_host_in_signed_headers_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h =>
                ReplaceInAuthorization(h, "SignedHeaders=content-type;host;x-amz-date", "SignedHeaders=content-type;x-amz-date")),
            SigV4FailureReason.RequiredHeaderNotSigned, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Header_signed_request_whose_x_amz_date_is_not_signed_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h =>
                ReplaceInAuthorization(h, "SignedHeaders=content-type;host;x-amz-date", "SignedHeaders=content-type;host")),
            SigV4FailureReason.RequiredHeaderNotSigned, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Signed_header_missing_from_the_request_is_refused_before_the_credential_lookup()
    {
        var signed = _scenario.SignedPost(Scenario.LongTerm, extraSignedHeaders: new SigV4HeaderCollection { { "X-Amz-Target", "KinesisVideo.Describe" } });

        var failure = await RefusedAsync(Scenario.With(signed, headers: h => h.Remove("X-Amz-Target")),
            SigV4FailureReason.SignedHeaderMissing, SigV4ErrorType.InvalidSignatureException);

        Assert.Contains("'x-amz-target'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, _scenario.Resolver.Lookups);
    }

    [Fact]
    public async Task Missing_signed_header_with_a_very_long_name_is_not_echoed_in_the_message()
    {
        var longName = "x-" + new string('a', 4000);
        var request = Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h =>
            ReplaceInAuthorization(h, "SignedHeaders=content-type;host;", $"SignedHeaders=content-type;host;{longName};"));

        var failure = await RefusedAsync(request, SigV4FailureReason.SignedHeaderMissing, SigV4ErrorType.InvalidSignatureException);

        Assert.Equal("A signed header is absent from the request.", failure.Message);
    }

    [Fact]
    public async Task Resolver_that_returns_null_is_a_programming_error_not_a_refusal()
    {
        var verifier = new SigV4Verifier<string>(new NullResolver(), _scenario.Clock);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await verifier.VerifyAsync(_scenario.SignedPost(Scenario.LongTerm), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("X-Amz-Signature")]
    [InlineData("X-Amz-Date")]
    [InlineData("X-Amz-Credential")]
    [InlineData("X-Amz-ChannelARN")]
    [InlineData("X-Amz-ClientId")]
    public async Task Duplicated_query_parameter_is_refused(string name)
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary);
        var pair = Urls.QueryOf(url).Split('&').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal));

        await RefusedAsync(Urls.ToUpgradeRequest(url + "&" + pair), SigV4FailureReason.DuplicateQueryParameter, SigV4ErrorType.IncompleteSignatureException);
    }

    [Fact]
    public async Task Query_parameter_repeated_with_another_case_is_refused() =>
        await RefusedAsync(Urls.ToUpgradeRequest(_scenario.PresignedViewerUrl(Scenario.Temporary) + "&x-amz-clientid=viewer-2"),
            SigV4FailureReason.DuplicateQueryParameter, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Presigned_url_missing_a_required_parameter_is_refused()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.LongTerm);
        var pairs = Urls.QueryOf(url).Split('&').Where(p => !p.StartsWith("X-Amz-Expires=", StringComparison.Ordinal));

        var failure = await RefusedAsync(Urls.ToUpgradeRequest(Urls.WithQuery(url, string.Join('&', pairs))),
            SigV4FailureReason.MissingQueryParameter, SigV4ErrorType.IncompleteSignatureException);

        Assert.Contains("'X-Amz-Expires'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_token_in_query_and_a_different_one_in_the_header_is_refused() =>
        await RefusedAsync(Urls.ToUpgradeRequest(_scenario.PresignedViewerUrl(Scenario.Temporary), new SigV4HeaderCollection { { "X-Amz-Security-Token", "other" } }),
            SigV4FailureReason.AmbiguousAuthentication, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Request_with_both_authorization_header_and_presigned_query_is_refused()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.LongTerm);
        var headerSigned = _scenario.SignedPost(Scenario.LongTerm);

        await RefusedAsync(Scenario.With(headerSigned, query: "?" + Urls.QueryOf(url)), SigV4FailureReason.AmbiguousAuthentication, SigV4ErrorType.IncompleteSignatureException);
    }

    [Fact]
    public async Task Request_without_any_authentication_is_refused_as_missing_authentication_token()
    {
        var failure = await RefusedAsync(Scenario.Received("POST", "/describeSignalingChannel", "?X-Amz-ChannelARN=x",
            new SigV4HeaderCollection { { "Host", Scenario.Host } }, Scenario.Body), SigV4FailureReason.MissingAuthentication, SigV4ErrorType.MissingAuthenticationTokenException);

        Assert.Equal("MissingAuthenticationTokenException", failure.ErrorTypeName);
        Assert.Equal(403, failure.HttpStatusCode);
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", SigV4FailureReason.UnsupportedAlgorithm)]
    [InlineData("AWS4-HMAC-SHA512 Credential=a/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=host, Signature=00", SigV4FailureReason.UnsupportedAlgorithm)]
    [InlineData("AWS4-HMAC-SHA256", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_requesx, SignedHeaders=host;x-amz-date, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, Credential=x, SignedHeaders=host;x-amz-date, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=Host;x-amz-date, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=host;host, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/2024011/us-west-2/kinesisvideo/aws4_request, SignedHeaders=host, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/US-WEST-2/kinesisvideo/aws4_request, SignedHeaders=host, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    [InlineData("AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature={sig}", SigV4FailureReason.MalformedAuthorization)]
    public async Task Malformed_authorization_header_is_refused_as_incomplete_signature(string authorization, SigV4FailureReason reason)
    {
        // {sig} stands for a well-formed signature, so that only the defect under test is wrong.
        var value = authorization.Replace("{sig}", new string('a', 64), StringComparison.Ordinal);
        var request = Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Set("Authorization", value));

        await RefusedAsync(request, reason, SigV4ErrorType.IncompleteSignatureException);
    }

    [Theory]
    [InlineData("20240101T120000")]
    [InlineData("2024-01-01T12:00:00Z")]
    [InlineData("20241301T120000Z")]
    [InlineData("20240230T120000Z")]
    [InlineData("20240101T250000Z")]
    [InlineData("2024010１T120000Z")]
    public async Task Malformed_x_amz_date_is_refused_as_incomplete_signature(string date) =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Set("X-Amz-Date", date)),
            SigV4FailureReason.MalformedDate, SigV4ErrorType.IncompleteSignatureException);

    [Fact]
    public async Task Request_without_any_date_header_is_refused() =>
        await RefusedAsync(Scenario.With(_scenario.SignedPost(Scenario.LongTerm), headers: h => h.Remove("X-Amz-Date")),
            SigV4FailureReason.MalformedDate, SigV4ErrorType.IncompleteSignatureException);

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-Amz-Date")]
    [InlineData("X-Amz-Security-Token")]
    public async Task Header_that_carries_authentication_given_twice_is_refused(string name)
    {
        var signed = _scenario.SignedPost(Scenario.Temporary);
        signed.Headers.TryGetValues(name, out var values);

        await RefusedAsync(Scenario.With(signed, headers: h => h.Add(name, values![0])), SigV4FailureReason.AmbiguousAuthentication, SigV4ErrorType.IncompleteSignatureException);
    }

    private async Task<SigV4Failure> RefusedAsync(SigV4VerificationRequest request, SigV4FailureReason reason, SigV4ErrorType errorType,
        SigV4VerifierOptions? options = null)
    {
        var result = await _scenario.VerifyAsync(request, options);

        Assert.False(result.Succeeded);
        Assert.Equal(reason, result.Failure.Reason);
        Assert.Equal(errorType, result.Failure.ErrorType);
        Assert.Equal(403, result.Failure.HttpStatusCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Failure.Message));
        Assert.Null(result.Principal);
        return result.Failure;
    }

    /// <summary>A presigned viewer URL built without the library's signer, so its fields can be anything.</summary>
    private static string PresignByHand(string expires = "299", string signedHeaders = "host")
    {
        var credential = Uri.EscapeDataString($"{Scenario.LongTerm.AccessKeyId}/20240101/{Scenario.Region}/{Scenario.Service}/aws4_request");
        var query = $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date=20240101T120000Z&X-Amz-Expires={Uri.EscapeDataString(expires)}&X-Amz-SignedHeaders={signedHeaders}";
        var headerLines = string.Join("", signedHeaders.Split(';').Select(h => h == "host" ? "host:v.example\n" : $"{h}:1\n"));
        var canonical = $"GET\n/\n{query}\n{headerLines}\n{signedHeaders}\n{ReferenceSigV4.EmptyHash}";
        var signature = ReferenceSigV4.Sign(Scenario.LongTerm.SecretAccessKey, "20240101T120000Z", Scenario.Region, Scenario.Service, canonical);
        return $"wss://v.example/?{query}&X-Amz-Signature={signature}";
    }

    private static void ReplaceInAuthorization(SigV4HeaderCollection headers, string from, string to)
    {
        Assert.True(headers.TryGetValues("Authorization", out var values));
        Assert.Contains(from, values[0], StringComparison.Ordinal);
        headers.Set("Authorization", values[0].Replace(from, to, StringComparison.Ordinal));
    }

    private sealed class NullResolver : ISigV4CredentialResolver<string>
    {
        public ValueTask<SigV4CredentialLookup<string>> ResolveAsync(string accessKeyId, string? sessionToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult<SigV4CredentialLookup<string>>(null!);
    }
}
