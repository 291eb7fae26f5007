using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>Sign → verify in the shapes the different clients produce.</summary>
public sealed class RoundTripTests
{
    private readonly Scenario _scenario = new();

    [Fact]
    public async Task Header_signed_post_with_long_term_key_verifies()
    {
        var result = await _scenario.VerifyAsync(_scenario.SignedPost(Scenario.LongTerm));

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("user:alice", result.Principal);
        Assert.Equal(Scenario.LongTerm.AccessKeyId, result.AccessKeyId);
        Assert.Equal(Scenario.Start, result.SignedAt);
        Assert.Null(result.ExpiresAt);
        Assert.Null(_scenario.Resolver.LastSessionToken);
    }

    [Fact]
    public async Task Header_signed_post_with_signed_session_token_verifies_like_aws_sdks_send_it()
    {
        var request = _scenario.SignedPost(Scenario.Temporary);

        var result = await _scenario.VerifyAsync(request);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("device:camera-0001", result.Principal);
        Assert.Contains("x-amz-security-token", request.Headers.TryGetValues("Authorization", out var auth) ? auth[0] : "", StringComparison.Ordinal);
        Assert.Equal(Scenario.Temporary.SessionToken, _scenario.Resolver.LastSessionToken);
    }

    [Fact]
    public async Task Header_signed_post_with_unsigned_session_token_verifies_like_the_c_sdk_sends_it()
    {
        var request = _scenario.SignedPost(Scenario.Temporary, new SigV4SignerOptions { SignSessionToken = false });

        var result = await _scenario.VerifyAsync(request);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.DoesNotContain("x-amz-security-token", request.Headers.TryGetValues("Authorization", out var auth) ? auth[0] : "", StringComparison.Ordinal);
        Assert.Equal(Scenario.Temporary.SessionToken, _scenario.Resolver.LastSessionToken);
    }

    [Fact]
    public async Task C_sdk_style_request_with_pascal_case_headers_and_unsigned_extras_verifies()
    {
        // What the KVS C SDK puts on the wire: PascalCase names, host;user-agent;x-amz-date signed, token,
        // content-type and content-length unsigned.
        var headers = new SigV4HeaderCollection { { "Host", Scenario.Host }, { "User-Agent", "AWS-SDK-KVS/1.0 GCC/12 Linux/6" } };
        var signature = new SigV4Signer(new SigV4SignerOptions { SignSessionToken = false }).Sign(new SigV4SigningRequest
        {
            Method = "POST",
            Path = "/v1/get-ice-server-config",
            Headers = headers,
            Body = Scenario.Body,
        }, Scenario.Temporary, Scenario.Region, Scenario.Service, _scenario.Clock.GetUtcNow());
        var sent = new SigV4HeaderCollection
        {
            { "Host", Scenario.Host },
            { "User-Agent", "AWS-SDK-KVS/1.0 GCC/12 Linux/6" },
            { "X-Amz-Date", signature.AmzDate },
            { "content-type", "application/json" },
            { "content-length", "30" },
            { "Authorization", signature.Authorization },
            { "x-amz-security-token", signature.SecurityToken },
        };

        var result = await _scenario.VerifyAsync(Scenario.Received("POST", "/v1/get-ice-server-config", null, sent, Scenario.Body));

        Assert.Equal("host;user-agent;x-amz-date", signature.SignedHeaders);
        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Authorization_header_with_commas_and_no_spaces_verifies()
    {
        var request = _scenario.SignedPost(Scenario.LongTerm);
        var tight = Scenario.With(request, headers: h =>
        {
            h.TryGetValues("Authorization", out var values);
            h.Set("Authorization", values![0].Replace(", ", ",", StringComparison.Ordinal));
        });
        var loose = Scenario.With(request, headers: h =>
        {
            h.TryGetValues("Authorization", out var values);
            h.Set("Authorization", "  " + values![0].Replace(", ", " ,\t ", StringComparison.Ordinal) + " ");
        });

        Assert.True((await _scenario.VerifyAsync(tight)).Succeeded);
        Assert.True((await _scenario.VerifyAsync(loose)).Succeeded);
    }

    [Fact]
    public async Task Header_signed_request_with_query_parameters_verifies()
    {
        var request = _scenario.SignedPost(Scenario.LongTerm, query: "?b=2&a=1&a=0&empty=&flag&c=x%2By+z");

        var result = await _scenario.VerifyAsync(request);

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Header_signed_request_with_content_sha256_header_verifies()
    {
        var request = _scenario.SignedPost(Scenario.LongTerm, new SigV4SignerOptions { AddContentSha256Header = true });

        Assert.True(request.Headers.Contains("x-amz-content-sha256"));
        Assert.True((await _scenario.VerifyAsync(request)).Succeeded);
    }

    [Fact]
    public async Task Payload_hash_given_by_the_server_instead_of_the_body_verifies()
    {
        var request = _scenario.SignedPost(Scenario.LongTerm);
        var hashed = new SigV4VerificationRequest
        {
            Method = request.Method,
            Path = request.Path,
            Headers = request.Headers,
            PayloadHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Scenario.Body)),
        };

        Assert.True((await _scenario.VerifyAsync(hashed)).Succeeded);
    }

    [Fact]
    public async Task Request_signed_with_a_date_header_instead_of_x_amz_date_verifies()
    {
        const string date = "Mon, 01 Jan 2024 12:00:00 GMT";
        var canonical = $"GET\n/\n\ndate:{date}\nhost:{Scenario.Host}\n\ndate;host\n{ReferenceSigV4.EmptyHash}";
        var signature = ReferenceSigV4.Sign("ExampleSecretKey", "20240101T120000Z", Scenario.Region, Scenario.Service, canonical);
        var headers = new SigV4HeaderCollection
        {
            { "Host", Scenario.Host },
            { "Date", date },
            { "Authorization", $"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=date;host, Signature={signature}" },
        };

        var result = await _scenario.VerifyAsync(Scenario.Received("GET", "/", null, headers, []));

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Signed_headers_listed_out_of_order_are_canonicalised_in_the_order_given()
    {
        var canonical = $"GET\n/\n\nx-amz-date:20240101T120000Z\nhost:{Scenario.Host}\n\nx-amz-date;host\n{ReferenceSigV4.EmptyHash}";
        var signature = ReferenceSigV4.Sign("ExampleSecretKey", "20240101T120000Z", Scenario.Region, Scenario.Service, canonical);
        var headers = new SigV4HeaderCollection
        {
            { "Host", Scenario.Host },
            { "X-Amz-Date", "20240101T120000Z" },
            { "Authorization", $"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20240101/us-west-2/kinesisvideo/aws4_request, SignedHeaders=x-amz-date;host, Signature={signature}" },
        };

        var result = await _scenario.VerifyAsync(Scenario.Received("GET", "/", null, headers, []));

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Presigned_viewer_url_in_js_sdk_layout_verifies(bool withToken)
    {
        var url = _scenario.PresignedViewerUrl(withToken ? Scenario.Temporary : Scenario.LongTerm);

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(url));

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(SigV4AuthenticationForm.Query, result.Form);
        Assert.Equal(Scenario.Start.AddSeconds(299), result.ExpiresAt);
        Assert.Equal(withToken ? Scenario.Temporary.SessionToken : null, _scenario.Resolver.LastSessionToken);
    }

    [Fact]
    public async Task Presigned_url_in_c_sdk_layout_with_strcmp_sorted_pairs_and_signature_last_verifies()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary, new SigV4SignerOptions { PresignedSignaturePlacement = SigV4SignaturePlacement.Last });
        Assert.Matches("&X-Amz-Signature=[0-9a-f]{64}$", url);

        // The C SDK sorts the encoded "name=value" strings with strcmp and appends the signature after them.
        var pairs = Urls.QueryOf(url).Split('&');
        var signed = pairs[..^1].Order(StringComparer.Ordinal);
        var cSdkUrl = Urls.WithQuery(url, string.Join('&', signed.Append(pairs[^1])));

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(cSdkUrl));

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Presigned_url_whose_parameters_arrive_in_any_order_and_encoding_verifies()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.Temporary);
        var pairs = Urls.QueryOf(url).Split('&').Reverse()
            .Select(p => p.StartsWith("X-Amz-ChannelARN=", StringComparison.Ordinal)
                ? Uri.UnescapeDataString(p)                                   // ':' and '/' left raw, as some clients send them
                : p.Replace("%2F", "%2f", StringComparison.Ordinal));         // lowercase hex escapes
        var reordered = Urls.WithQuery(url, string.Join('&', pairs));

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(reordered));

        Assert.Contains("X-Amz-ChannelARN=arn:aws:kinesisvideo:", reordered, StringComparison.Ordinal);
        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Presigned_url_with_a_path_and_a_port_verifies_against_the_host_header_the_client_sends()
    {
        var url = _scenario.PresignedViewerUrl(Scenario.LongTerm, endpoint: "wss://vigil.home.arpa:8443/signaling/v1");
        Assert.StartsWith("wss://vigil.home.arpa:8443/signaling/v1?", url, StringComparison.Ordinal);

        var result = await _scenario.VerifyAsync(Urls.ToUpgradeRequest(url));

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Randomized_requests_signed_by_the_signer_verify()
    {
        var random = new SplitMix64(20240101);
        var verifier = _scenario.Verifier();
        for (var i = 0; i < 300; i++)
        {
            var headers = new SigV4HeaderCollection { { "Host", Scenario.Host } };
            for (var h = random.Next(4); h > 0; h--)
            {
                headers.Add("x-amz-meta-" + random.Text(1, 8, RandomText.Token).ToLowerInvariant(), random.Text(0, 20, RandomText.VisibleAsciiAndSpaces));
            }

            var query = string.Join('&', Enumerable.Range(0, random.Next(5))
                .Select(_ => Uri.EscapeDataString(random.Text(0, 6, RandomText.Unicode)) + "=" + Uri.EscapeDataString(random.Text(0, 12, RandomText.Unicode))));
            var path = "/" + string.Join('/', Enumerable.Range(0, random.Next(4)).Select(_ => Uri.EscapeDataString(random.Text(1, 8, RandomText.Unicode))));
            var body = random.Bytes(random.Next(64));
            var signature = new SigV4Signer().Sign(new SigV4SigningRequest { Method = "PUT", Path = path, QueryString = query, Headers = headers, Body = body },
                Scenario.LongTerm, Scenario.Region, Scenario.Service, _scenario.Clock.GetUtcNow());

            var result = await verifier.VerifyAsync(Scenario.Received("PUT", path, query, Scenario.Apply(signature, headers), body), TestContext.Current.CancellationToken);

            Assert.True(result.Succeeded, $"case {i}: {path}?{query} {result.Failure}");
        }
    }
}
