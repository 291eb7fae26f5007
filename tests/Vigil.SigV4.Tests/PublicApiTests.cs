using Microsoft.Extensions.Time.Testing;
using Vigil.SigV4.Tests.Support;

namespace Vigil.SigV4.Tests;

/// <summary>Argument checks, redaction and conveniences of the public types.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Credentials_never_show_the_secret_or_token_in_their_text()
    {
        var text = Scenario.Temporary.ToString();

        Assert.Contains(Scenario.Temporary.AccessKeyId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Scenario.Temporary.SecretAccessKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Scenario.Temporary.SessionToken!, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AKIA/X")]
    [InlineData("AKIA X")]
    [InlineData("AKIA,X")]
    public void Access_key_id_that_would_break_the_credential_field_is_rejected(string accessKeyId) =>
        Assert.ThrowsAny<ArgumentException>(() => new SigV4Credentials(accessKeyId, "secret"));

    [Fact]
    public void Empty_session_token_means_long_term_credentials() =>
        Assert.Null(new SigV4Credentials("AKIA", "secret", "").SessionToken);

    [Fact]
    public void Header_collection_copies_multi_valued_headers_from_sequences()
    {
        IEnumerable<KeyValuePair<string, string[]>> aspNetLike = [new("Host", ["h"]), new("X-Multi", ["a", "b"])];

        var headers = SigV4HeaderCollection.From(aspNetLike);

        Assert.True(headers.TryGetValues("x-multi", out var values));
        Assert.Equal(["a", "b"], values);
        Assert.Equal(2, headers.Count);
        Assert.False(headers.TryGetValues("absent", out _));
    }

    [Fact]
    public void Header_collection_copies_from_http_request_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.com/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "A");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "B");

        var headers = SigV4HeaderCollection.From(request.Headers);

        Assert.True(headers.TryGetValues("x-amz-target", out var values));
        Assert.Equal(["A", "B"], values);
    }

    [Fact]
    public void Signing_without_a_host_header_is_a_programming_error()
    {
        var request = new SigV4SigningRequest { Method = "GET", Headers = new SigV4HeaderCollection() };

        Assert.Throws<ArgumentException>(() => new SigV4Signer().Sign(request, Scenario.LongTerm, Scenario.Region, Scenario.Service, Scenario.Start));
    }

    [Fact]
    public void Signing_over_a_different_existing_x_amz_date_is_a_programming_error()
    {
        var request = new SigV4SigningRequest
        {
            Method = "GET",
            Headers = new SigV4HeaderCollection { { "Host", "h" }, { "X-Amz-Date", "20000101T000000Z" } },
        };

        Assert.Throws<ArgumentException>(() => new SigV4Signer().Sign(request, Scenario.LongTerm, Scenario.Region, Scenario.Service, Scenario.Start));
    }

    [Theory]
    [InlineData("US-WEST-2", "kinesisvideo")]
    [InlineData("us-west-2", "")]
    [InlineData("us/west", "kinesisvideo")]
    public void Invalid_scope_names_are_rejected_when_signing(string region, string service) =>
        Assert.ThrowsAny<ArgumentException>(() => new SigV4Signer().Presign(new Uri("wss://h"), null, Scenario.LongTerm, region, service, Scenario.Start, TimeSpan.FromMinutes(1)));

    [Theory]
    [InlineData(0)]
    [InlineData(604_801)]
    public void Presign_expiry_outside_one_second_to_one_week_is_rejected(int seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SigV4Signer().Presign(new Uri("wss://h"), null, Scenario.LongTerm, Scenario.Region, Scenario.Service, Scenario.Start, TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("wss://h/?a=b")]
    [InlineData("wss://h/#f")]
    public void Presign_endpoint_with_query_or_fragment_is_rejected(string endpoint) =>
        Assert.Throws<ArgumentException>(() =>
            new SigV4Signer().Presign(new Uri(endpoint), null, Scenario.LongTerm, Scenario.Region, Scenario.Service, Scenario.Start, TimeSpan.FromMinutes(1)));

    [Fact]
    public void Presign_parameters_may_not_override_the_signature_parameters() =>
        Assert.Throws<ArgumentException>(() => new SigV4Signer().Presign(new Uri("wss://h"), [new("x-amz-date", "1")],
            Scenario.LongTerm, Scenario.Region, Scenario.Service, Scenario.Start, TimeSpan.FromMinutes(1)));

    [Fact]
    public void Verifier_options_are_validated_at_construction()
    {
        var clock = new FakeTimeProvider();
        var resolver = new InMemoryCredentialResolver(clock);
        var noService = new SigV4VerifierOptions();
        noService.AllowedServices.Clear();
        var badRegion = new SigV4VerifierOptions();
        badRegion.AllowedRegions.Add("Home Lab");

        Assert.Throws<ArgumentException>(() => new SigV4Verifier<string>(resolver, clock, noService));
        Assert.Throws<ArgumentException>(() => new SigV4Verifier<string>(resolver, clock, badRegion));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigV4Verifier<string>(resolver, clock, new SigV4VerifierOptions { AllowedClockSkew = TimeSpan.FromMinutes(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigV4Verifier<string>(resolver, clock, new SigV4VerifierOptions { MaxPresignedExpiry = TimeSpan.FromDays(8) }));
    }

    [Fact]
    public async Task Verifier_copies_its_options_so_later_changes_do_not_apply()
    {
        var scenario = new Scenario();
        var options = new SigV4VerifierOptions();
        var verifier = scenario.Verifier(options);
        options.AllowedServices.Clear();
        options.AllowedServices.Add("s3");

        var result = await verifier.VerifyAsync(scenario.SignedPost(Scenario.LongTerm), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Credential_lookup_refusal_cannot_claim_found() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigV4CredentialLookup<string>(SigV4CredentialLookupStatus.Found));

    [Fact]
    public async Task Malformed_payload_hash_from_the_caller_is_a_programming_error()
    {
        var scenario = new Scenario();
        var signed = scenario.SignedPost(Scenario.LongTerm);
        var request = new SigV4VerificationRequest { Method = "POST", Path = "/", Headers = signed.Headers, PayloadHash = "not-a-hash" };

        await Assert.ThrowsAsync<ArgumentException>(async () => await scenario.VerifyAsync(request));
    }
}
