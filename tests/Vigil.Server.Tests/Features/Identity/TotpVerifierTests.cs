using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Features.Identity;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>RFC 6238 as the server checks it, against codes from oathtool (an independent implementation).</summary>
public sealed class TotpVerifierTests
{
    private const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 15, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public async Task A_code_is_accepted_for_the_current_step_and_one_step_either_side_only(int offsetSeconds, bool accepted)
    {
        var verifier = new TotpVerifier(new FakeTimeProvider(Now));
        var code = await Oathtool.TotpAsync(Secret, Now.AddSeconds(offsetSeconds), Ct);

        var step = verifier.Match(Secret, code);

        Assert.Equal(accepted, step is not null);
        if (accepted)
        {
            Assert.Equal((Now.ToUnixTimeSeconds() + offsetSeconds) / TotpVerifier.StepSeconds, step);
        }
    }

    [Fact]
    public async Task Rfc6238_appendix_b_sha1_vectors_match_after_truncation_to_six_digits()
    {
        // RFC 6238 Appendix B: secret "12345678901234567890" (ASCII), SHA-1, 8 digits; the 6-digit
        // code is the last six of the eight.
        const string asciiSecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        (long Time, string Code)[] vectors = [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")];
        foreach (var (time, code) in vectors)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(time);
            var verifier = new TotpVerifier(new FakeTimeProvider(at));
            Assert.Equal(time / 30, verifier.Match(asciiSecretBase32, code[2..]));
            Assert.Equal(code[2..], await Oathtool.TotpAsync(asciiSecretBase32, at, Ct));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")]
    [InlineData("-12345")]
    public void Malformed_codes_are_refused_without_an_exception(string code) =>
        Assert.Null(new TotpVerifier(new FakeTimeProvider(Now)).Match(Secret, code));

    [Fact]
    public void Random_and_oversized_input_yields_only_no_match()
    {
        var random = new Random(6238);
        var verifier = new TotpVerifier(new FakeTimeProvider(Now));
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, i % 100 == 0 ? 100_000 : 12);
            var chars = new char[length];
            for (var c = 0; c < length; c++)
            {
                chars[c] = (char)random.Next(0, 0x3000);
            }

            var step = verifier.Match(Secret, new string(chars));
            Assert.True(step is null || new string(chars).Trim().Length >= 6);
        }
    }

    [Fact]
    public void The_authenticator_uri_follows_the_key_uri_format()
    {
        var uri = TotpVerifier.AuthenticatorUri("Vigil", "a b@example.com", Secret);

        Assert.Equal($"otpauth://totp/Vigil:a%20b%40example.com?secret={Secret}&issuer=Vigil&algorithm=SHA1&digits=6&period=30", uri);
    }
}
