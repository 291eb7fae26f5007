using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Hosting;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Credentials;

public sealed class TemporaryCredentialTests
{
    private const string Channel1 = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/1700000000000";
    private const string Channel2 = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-2/1700000000001";

    private static readonly AccessPolicy CameraPolicy = AccessPolicy.Parse("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Action":["kinesisvideo:DescribeSignalingChannel","kinesisvideo:ConnectAsMaster"],
         "Resource":"arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"}]}
        """);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Issuer and resolver on a real data directory's key ring, with a clock the test moves.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TestVigil _vigil;

        private Rig(TestVigil vigil, FakeTimeProvider time)
        {
            _vigil = vigil;
            Time = time;
            var tokens = new SessionTokenProtector(vigil.Services.GetRequiredService<IDataProtectionProvider>());
            Issuer = new TemporaryCredentialIssuer(tokens, time, NullLogger<TemporaryCredentialIssuer>.Instance);
            Resolver = new CredentialResolver(tokens, vigil.Services.GetRequiredService<IServiceScopeFactory>(), time, NullLogger<CredentialResolver>.Instance);
            Authenticator = new SigV4Authenticator(Resolver, time, Options.Create(new AwsOptions()), NullLogger<SigV4Authenticator>.Instance);
        }

        public FakeTimeProvider Time { get; }

        public TemporaryCredentialIssuer Issuer { get; }

        public CredentialResolver Resolver { get; }

        public SigV4Authenticator Authenticator { get; }

        public TestVigil Vigil => _vigil;

        public static async Task<Rig> StartAsync(string provider = "Sqlite") =>
            new(await TestVigil.StartAsync(provider, cancellationToken: Ct), new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));

        public ValueTask DisposeAsync() => _vigil.DisposeAsync();
    }

    [Fact]
    public async Task Issued_credentials_have_the_aws_shapes_and_carry_principal_policy_and_variables()
    {
        await using var rig = await Rig.StartAsync();
        var camera = CredentialPrincipal.Thing("camera-1", "0123abcd", "VigilCamera");

        var credentials = rig.Issuer.Issue(camera, CameraPolicy, TimeSpan.FromHours(1));
        var lookup = await rig.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct);

        Assert.Matches("^ASIA[A-Z2-7]{16}$", credentials.AccessKeyId);
        Assert.Matches("^[A-Za-z0-9+/]{40}$", credentials.SecretAccessKey);
        Assert.Matches("^[A-Za-z0-9_-]+$", credentials.SessionToken);
        Assert.Equal(rig.Time.GetUtcNow().AddHours(1), credentials.Expiration);
        Assert.True(lookup.Found);
        Assert.Equal(credentials.SecretAccessKey, lookup.SecretAccessKey);
        var caller = lookup.Principal!;
        Assert.Equal(PrincipalKind.Thing, caller.Principal.Kind);
        Assert.Equal("camera-1", caller.Principal.Name);
        Assert.Equal("0123abcd", caller.Principal.Variables["credentials-iot:AwsCertificateId"]);
        Assert.Equal("VigilCamera", caller.Principal.Variables["credentials-iot:ThingTypeName"]);
        Assert.True(caller.IsTemporary);
        Assert.True(caller.IsAllowed("kinesisvideo:ConnectAsMaster", Channel1));
        Assert.False(caller.IsAllowed("kinesisvideo:ConnectAsMaster", Channel2));
        Assert.False(caller.IsAllowed("kinesisvideo:DeleteSignalingChannel", Channel1));
    }

    [Fact]
    public async Task The_session_token_hides_the_secret_and_tostring_never_shows_it()
    {
        await using var rig = await Rig.StartAsync();

        var credentials = rig.Issuer.Issue(CredentialPrincipal.User("alice@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromMinutes(15));
        var decoded = Encoding.Latin1.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(credentials.SessionToken));

        Assert.DoesNotContain(credentials.SecretAccessKey, decoded, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", decoded, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.SecretAccessKey, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.SessionToken, credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_policy_travels_in_the_token_and_narrows_the_principal_policy()
    {
        await using var rig = await Rig.StartAsync();
        var session = AccessPolicy.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:DescribeSignalingChannel","Resource":"*"}]}""");

        var credentials = rig.Issuer.Issue(CredentialPrincipal.Thing("camera-1", "c"), CameraPolicy, TimeSpan.FromHours(1), session);
        var caller = (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct)).Principal!;

        Assert.True(caller.IsAllowed("kinesisvideo:DescribeSignalingChannel", Channel1));
        Assert.False(caller.IsAllowed("kinesisvideo:ConnectAsMaster", Channel1));
        Assert.False(caller.IsAllowed("kinesisvideo:DescribeSignalingChannel", Channel2));
    }

    [Fact]
    public async Task Credentials_work_until_their_expiry_and_are_expired_from_that_second_on()
    {
        await using var rig = await Rig.StartAsync();
        var credentials = rig.Issuer.Issue(CredentialPrincipal.User("a@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromMinutes(15));

        rig.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var before = await rig.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct);
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        var at = await rig.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct);

        Assert.Equal(SigV4CredentialLookupStatus.Found, before.Status);
        Assert.Equal(SigV4CredentialLookupStatus.ExpiredToken, at.Status);
    }

    [Fact]
    public async Task Forged_damaged_missing_and_borrowed_tokens_are_invalid()
    {
        await using var rig = await Rig.StartAsync();
        var credentials = rig.Issuer.Issue(CredentialPrincipal.User("a@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromHours(1));
        var other = rig.Issuer.Issue(CredentialPrincipal.User("b@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromHours(1));
        var token = credentials.SessionToken;
        var flipped = token[..40] + (token[40] == 'A' ? 'B' : 'A') + token[41..];

        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, flipped, Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, token[..^4], Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, null, Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, other.SessionToken, Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, "not a token !", Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await rig.Resolver.ResolveAsync(credentials.AccessKeyId, new string('A', 20_000), Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.UnknownAccessKey, (await rig.Resolver.ResolveAsync("XXXX" + credentials.AccessKeyId[4..], token, Ct)).Status);
    }

    [Fact]
    public async Task Random_tokens_never_resolve_and_never_throw()
    {
        await using var rig = await Rig.StartAsync();
        var credentials = rig.Issuer.Issue(CredentialPrincipal.User("a@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromHours(1));
        var random = new Random(4711);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=% ";
        for (var i = 0; i < 2000; i++)
        {
            var chars = credentials.SessionToken.ToCharArray();
            chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            var mutated = random.Next(4) == 0 ? new string(chars, 0, random.Next(chars.Length)) : new string(chars);
            if (mutated == credentials.SessionToken)
            {
                continue;
            }

            var lookup = await rig.Resolver.ResolveAsync(credentials.AccessKeyId, mutated, Ct);

            Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, lookup.Status);
        }
    }

    [Fact]
    public async Task A_token_from_another_installation_is_invalid()
    {
        await using var one = await Rig.StartAsync();
        await using var two = await Rig.StartAsync();

        var credentials = one.Issuer.Issue(CredentialPrincipal.User("a@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromHours(1));

        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await two.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct)).Status);
    }

    [Fact]
    public async Task Verifying_a_users_temporary_credentials_reads_no_database()
    {
        // A user's (a viewer's) credentials are verified from the token alone. A thing's also check
        // that its certificate is still active, so that revoking the thing ends them at once
        // (SignalingRevocationTests).
        await using var rig = await Rig.StartAsync("Postgres");
        var credentials = rig.Issuer.Issue(CredentialPrincipal.User("viewer@example.com", Guid.NewGuid()), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromHours(1));

        // The database is gone (dropped, connections killed); the token alone is enough.
        await rig.Vigil.DropPostgresAsync();
        var lookup = await rig.Resolver.ResolveAsync(credentials.AccessKeyId, credentials.SessionToken, Ct);

        Assert.Equal(SigV4CredentialLookupStatus.Found, lookup.Status);
    }

    [Theory]
    [InlineData(14 * 60 + 59, false)]
    [InlineData(15 * 60, true)]
    [InlineData(12 * 3600, true)]
    [InlineData(12 * 3600 + 1, false)]
    public async Task Lifetimes_run_from_15_minutes_to_12_hours(int seconds, bool accepted)
    {
        await using var rig = await Rig.StartAsync();

        var issue = () => rig.Issuer.Issue(CredentialPrincipal.User("a@example.com"), AccessPolicy.KinesisVideoFullAccess, TimeSpan.FromSeconds(seconds));

        if (accepted)
        {
            Assert.Equal(rig.Time.GetUtcNow().AddSeconds(seconds), issue().Expiration);
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(issue);
        }
    }

    [Fact]
    public async Task A_request_signed_with_temporary_credentials_authenticates_as_the_thing()
    {
        await using var rig = await Rig.StartAsync();
        var credentials = rig.Issuer.Issue(CredentialPrincipal.Thing("camera-1", "c"), CameraPolicy, TimeSpan.FromHours(1));

        var context = SignedPost(credentials.ToSigV4Credentials(), rig.Time.GetUtcNow(), "us-east-1", signToken: false);
        var result = await rig.Authenticator.AuthenticateAsync(context.Request, Body, Ct);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("thing/camera-1", result.Principal!.Principal.ToString());
        Assert.True(result.Principal.IsAllowed("kinesisvideo:DescribeSignalingChannel", Channel1));
    }

    [Fact]
    public async Task Expired_credentials_answer_expired_token_and_another_region_is_refused()
    {
        await using var rig = await Rig.StartAsync();
        var credentials = rig.Issuer.Issue(CredentialPrincipal.Thing("camera-1", "c"), CameraPolicy, TimeSpan.FromMinutes(15));

        var wrongRegion = await rig.Authenticator.AuthenticateAsync(SignedPost(credentials.ToSigV4Credentials(), rig.Time.GetUtcNow(), "eu-west-1", signToken: true).Request, Body, Ct);
        rig.Time.Advance(TimeSpan.FromMinutes(16));
        var expired = await rig.Authenticator.AuthenticateAsync(SignedPost(credentials.ToSigV4Credentials(), rig.Time.GetUtcNow(), "us-east-1", signToken: true).Request, Body, Ct);

        Assert.Equal(SigV4FailureReason.RegionNotAllowed, wrongRegion.Failure!.Reason);
        Assert.Equal(SigV4FailureReason.ExpiredSessionToken, expired.Failure!.Reason);
        Assert.Equal("ExpiredTokenException", expired.Failure.ErrorTypeName);
        Assert.Equal(403, expired.Failure.HttpStatusCode);
    }

    private static readonly byte[] Body = "{\n\t\"ChannelName\": \"camera-1\"\n}"u8.ToArray();

    /// <summary>An ASP.NET Core request as Kestrel would hand it over, signed like the KVS C SDK signs (token unsigned) or the AWS SDKs (token signed).</summary>
    internal static DefaultHttpContext SignedPost(SigV4Credentials credentials, DateTimeOffset time, string region, bool signToken)
    {
        var headers = new SigV4HeaderCollection { { "Host", "vigil.example.com" }, { "user-agent", "AWS-SDK-KVS" } };
        var signer = new SigV4Signer(new SigV4SignerOptions { SignSessionToken = signToken });
        var signature = signer.Sign(new SigV4SigningRequest { Method = "POST", Path = "/describeSignalingChannel", Headers = headers, Body = Body }, credentials, region, "kinesisvideo", time);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/describeSignalingChannel";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/describeSignalingChannel";
        context.Request.Headers.Host = "vigil.example.com";
        context.Request.Headers.UserAgent = "AWS-SDK-KVS";
        context.Request.Headers["x-amz-date"] = signature.AmzDate;
        context.Request.Headers.Authorization = signature.Authorization;
        if (signature.SecurityToken is { } token)
        {
            context.Request.Headers["x-amz-security-token"] = token;
        }

        return context;
    }
}
