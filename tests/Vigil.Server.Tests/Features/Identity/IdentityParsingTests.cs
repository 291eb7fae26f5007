using Vigil.Server.Features.Identity;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>The small parsers of this feature (recovery codes, redirect URIs, emails) with hostile input.</summary>
public sealed class IdentityParsingTests
{
    [Theory]
    [InlineData("abcde-12345", "ABCDE12345")]
    [InlineData(" ABCDE 12345 ", "ABCDE12345")]
    [InlineData("", "")]
    public void Recovery_codes_compare_without_case_spaces_or_dashes(string typed, string normalized) =>
        Assert.Equal(normalized, VigilUserStore.Normalize(typed));

    [Theory]
    [InlineData("https://vigil.lan:8443/auth/callback", null)]
    [InlineData("http://127.0.0.1:7000/cb", null)]
    [InlineData("http://[::1]:7000/cb", null)]
    [InlineData("http://localhost/cb", null)]
    [InlineData("com.example.vigil:/oauth", null)]
    [InlineData("http://vigil.lan/cb", "uses plain http")]
    [InlineData("https://vigil.lan/cb#x", "must not have a fragment")]
    [InlineData("/relative", "is not an absolute URI")]
    [InlineData("", "is not an absolute URI")]
    public void Redirect_uris_must_be_absolute_without_fragment_and_https_unless_loopback(string uri, string? problem)
    {
        var described = IdentityClientOptions.Describe(uri);

        if (problem is null)
        {
            Assert.Null(described);
        }
        else
        {
            Assert.StartsWith(problem, described, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Random_redirect_uris_and_emails_yield_only_a_description_or_the_typed_error()
    {
        var random = new Random(8252);
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, i % 500 == 0 ? 70_000 : 40)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = (char)random.Next(1, 0x250);
            }

            var text = new string(chars);
            _ = IdentityClientOptions.Describe(text);
            _ = VigilUserStore.Normalize(text);
            try
            {
                Assert.Equal(text.Trim(), UserAccounts.NormalizeEmail(text));
            }
            catch (AccountException)
            {
            }
        }
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("Someone <a@example.com>")]
    [InlineData("a@")]
    [InlineData("")]
    public void Bad_emails_are_refused_with_a_message_naming_them(string email)
    {
        var error = Assert.Throws<AccountException>(() => UserAccounts.NormalizeEmail(email));

        Assert.Contains($"'{email}' is not an email address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_temporary_passwords_are_long_enough_and_differ()
    {
        var passwords = Enumerable.Range(0, 100).Select(_ => TemporaryPassword.Generate()).ToList();

        Assert.All(passwords, p => Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", p));
        Assert.All(passwords, p => Assert.True(p.Length >= PasswordRules.MinLength));
        Assert.Equal(100, passwords.Distinct().Count());
    }

    [Theory]
    [InlineData("Demo-New-Password-1", false)]
    [InlineData("a-long-password-without-it", true)]
    public async Task A_password_containing_the_local_part_of_the_email_is_refused_with_a_message_that_names_it(string password, bool accepted)
    {
        var user = new VigilUser { Email = "demo@vigil.local", UserName = "demo@vigil.local" };

        var result = await new PasswordRules().ValidateAsync(null!, user, password);

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("Passwords must not contain \"demo\", the part of your email address before the @.", error.Description);
        }
    }
}
