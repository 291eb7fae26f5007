using System.Net;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Identity;

/// <summary>What a signed-in browser can do with the password: change it (lockout and throttle apply) and make new recovery codes (password asked again).</summary>
public sealed class AccountHardeningTests
{
    private const string Changed = "a different horse battery staple";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changing_the_password_is_refused_while_the_account_is_locked_out()
    {
        await using var vigil = await IdentityTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Identity:LockoutAttempts"] = "3" }, cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("lou@example.com", Ct);

        for (var i = 0; i < 3; i++)
        {
            var wrong = await ChangeAsync(user, "not my password " + i);
            Assert.Equal("The current password is wrong.", wrong.TextOf("error"));
        }

        // Guessed three times: now even the right password does not change it.
        var locked = await ChangeAsync(user, IdentityTestServer.NewPassword);

        Assert.Contains("locked", locked.TextOf("error"), StringComparison.Ordinal);
        Assert.DoesNotContain("Your password was changed.", locked.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_is_throttled_per_address()
    {
        await using var vigil = await IdentityTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Identity:SignInAttemptsPerMinute"] = "6", ["Identity:LockoutAttempts"] = "100" }, cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("tom@example.com", Ct);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await ChangeAsync(user, "guess " + i)).Status);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task New_recovery_codes_need_the_password_again()
    {
        await using var vigil = await IdentityTestServer.StartAsync(cancellationToken: Ct);
        using var user = await vigil.SignUpAndGetTokensAsync("uma@example.com", Ct);

        var none = await user.Browser.SubmitAsync("/account", new Dictionary<string, string>(), Ct, handler: "RecoveryCodes");
        var wrong = await user.Browser.SubmitAsync("/account", new Dictionary<string, string> { ["Password"] = "not it" }, Ct, handler: "RecoveryCodes");
        var right = await user.Browser.SubmitAsync("/account", new Dictionary<string, string> { ["Password"] = IdentityTestServer.NewPassword }, Ct, handler: "RecoveryCodes");

        Assert.Empty(none.RecoveryCodes());
        Assert.Empty(wrong.RecoveryCodes());
        Assert.Equal("The current password is wrong.", wrong.TextOf("error"));
        Assert.Equal(10, right.RecoveryCodes().Count);
        Assert.DoesNotContain(right.RecoveryCodes(), user.Enrolment.RecoveryCodes.Contains);
    }

    private static Task<BrowserPage> ChangeAsync(SignedInUser user, string current) =>
        user.Browser.SubmitAsync("/account/password", new Dictionary<string, string> { ["CurrentPassword"] = current, ["NewPassword"] = Changed, ["ConfirmPassword"] = Changed }, Ct);
}

/// <summary>Sign-up does the same password-hash work for an address that has an account as for a new one.</summary>
public sealed class SignUpTimingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_up_with_a_taken_address_costs_the_same_password_hashing_as_a_new_one()
    {
        var hasher = new CountingHasher();
        await using var vigil = await RunningVigil.StartAsync(
            settings: new Dictionary<string, string?> { ["Identity:AllowSignUp"] = "true", ["Identity:SignInAttemptsPerMinute"] = "10000" },
            services: s => s.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<Server.Features.Identity.VigilUser>>(hasher),
            cancellationToken: Ct);
        using var browser = new AccountBrowser(vigil);

        // A first round prepares what is prepared once per process (the decoy's own hash).
        await SignUpAsync(browser, "first@example.com");
        await SignUpAsync(browser, "first@example.com");
        var fresh = await hasher.CountAsync(() => SignUpAsync(browser, "new@example.com"));
        var taken = await hasher.CountAsync(() => SignUpAsync(browser, "new@example.com"));

        Assert.True(fresh > 0, "a new account hashed no password");
        Assert.Equal(fresh, taken);
    }

    private static Task<BrowserPage> SignUpAsync(AccountBrowser browser, string email) =>
        browser.SubmitAsync("/account/signup", new Dictionary<string, string> { ["Email"] = email, ["Password"] = IdentityTestServer.NewPassword, ["ConfirmPassword"] = IdentityTestServer.NewPassword }, Ct);

    /// <summary>ASP.NET Core's hasher, counting the hashes and verifications it does (the expensive part).</summary>
    private sealed class CountingHasher : Microsoft.AspNetCore.Identity.IPasswordHasher<Server.Features.Identity.VigilUser>
    {
        private readonly Microsoft.AspNetCore.Identity.PasswordHasher<Server.Features.Identity.VigilUser> _inner = new();
        private int _count;

        public async Task<int> CountAsync(Func<Task<BrowserPage>> action)
        {
            var before = Volatile.Read(ref _count);
            var page = await action();
            Assert.True(page.Status == HttpStatusCode.OK, page.Html);
            return Volatile.Read(ref _count) - before;
        }

        public string HashPassword(Server.Features.Identity.VigilUser user, string password)
        {
            Interlocked.Increment(ref _count);
            return _inner.HashPassword(user, password);
        }

        public Microsoft.AspNetCore.Identity.PasswordVerificationResult VerifyHashedPassword(Server.Features.Identity.VigilUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _count);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
