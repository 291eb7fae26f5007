using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;
using Vigil.Server.Storage;
using Vigil.SigV4;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Credentials;

public sealed class AccessKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_created_key_resolves_to_its_secret_user_and_policy_and_the_database_holds_no_plain_secret(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var policy = AccessPolicy.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:Describe*","Resource":"*"}]}""");

        var created = await vigil.InScopeAsync<AccessKeyStore, CreatedAccessKey>(async store => await store.CreateAsync(await SnapshotTestData.AccountAsync(vigil.Services, "alice@example.com", Ct), policy, "ci", Ct));
        var lookup = await vigil.Services.GetRequiredService<CredentialResolver>().ResolveAsync(created.Key.Id, null, Ct);
        var row = await vigil.InScopeAsync<VigilDbContext, AccessKey>(db => db.AccessKeys.AsNoTracking().SingleAsync(k => k.Id == created.Key.Id, Ct));

        Assert.Matches("^AKIA[A-Z2-7]{16}$", created.Key.Id);
        Assert.True(lookup.Found);
        Assert.Equal(created.SecretAccessKey, lookup.SecretAccessKey);
        Assert.Equal("user/alice@example.com", lookup.Principal!.Principal.ToString());
        Assert.False(lookup.Principal.IsTemporary);
        Assert.True(lookup.Principal.IsAllowed("kinesisvideo:DescribeSignalingChannel", "arn:aws:kinesisvideo:us-east-1:000000000000:channel/x/1"));
        Assert.False(lookup.Principal.IsAllowed("kinesisvideo:DeleteSignalingChannel", "arn:aws:kinesisvideo:us-east-1:000000000000:channel/x/1"));
        Assert.DoesNotContain(created.SecretAccessKey, row.ProtectedSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(created.SecretAccessKey, created.ToString(), StringComparison.Ordinal);
        if (provider == "Sqlite")
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var bytes = string.Concat(Directory.EnumerateFiles(vigil.Data.Root, "vigil.db*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
            Assert.Contains(created.Key.Id, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(created.SecretAccessKey, bytes, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_revoked_key_is_unknown_at_once(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var resolver = vigil.Services.GetRequiredService<CredentialResolver>();
        var created = await vigil.InScopeAsync<AccessKeyStore, CreatedAccessKey>(async store => await store.CreateAsync(await SnapshotTestData.AccountAsync(vigil.Services, "a@example.com", Ct), AccessPolicy.KinesisVideoFullAccess, null, Ct));
        Assert.True((await resolver.ResolveAsync(created.Key.Id, null, Ct)).Found);

        var first = await vigil.InScopeAsync<AccessKeyStore, RevokeOutcome>(store => store.RevokeAsync(created.Key.Id, Ct));
        var again = await vigil.InScopeAsync<AccessKeyStore, RevokeOutcome>(store => store.RevokeAsync(created.Key.Id, Ct));
        var unknown = await vigil.InScopeAsync<AccessKeyStore, RevokeOutcome>(store => store.RevokeAsync("AKIAAAAAAAAAAAAAAAAA", Ct));

        Assert.Equal(RevokeOutcome.Revoked, first);
        Assert.Equal(RevokeOutcome.AlreadyRevoked, again);
        Assert.Equal(RevokeOutcome.NotFound, unknown);
        Assert.Equal(SigV4CredentialLookupStatus.UnknownAccessKey, (await resolver.ResolveAsync(created.Key.Id, null, Ct)).Status);
    }

    [Fact]
    public async Task A_long_term_key_with_a_session_token_and_ids_of_no_known_shape_are_refused()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var resolver = vigil.Services.GetRequiredService<CredentialResolver>();
        var created = await vigil.InScopeAsync<AccessKeyStore, CreatedAccessKey>(async store => await store.CreateAsync(await SnapshotTestData.AccountAsync(vigil.Services, "a@example.com", Ct), AccessPolicy.KinesisVideoFullAccess, null, Ct));

        Assert.Equal(SigV4CredentialLookupStatus.InvalidToken, (await resolver.ResolveAsync(created.Key.Id, "token", Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.UnknownAccessKey, (await resolver.ResolveAsync("AKIDEXAMPLE", null, Ct)).Status);
        Assert.Equal(SigV4CredentialLookupStatus.UnknownAccessKey, (await resolver.ResolveAsync(created.Key.Id.ToLowerInvariant(), null, Ct)).Status);
    }

    [Fact]
    public async Task A_request_signed_with_a_long_term_key_authenticates_as_its_user()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var created = await vigil.InScopeAsync<AccessKeyStore, CreatedAccessKey>(async store => await store.CreateAsync(await SnapshotTestData.AccountAsync(vigil.Services, "ops@example.com", Ct), AccessPolicy.KinesisVideoFullAccess, null, Ct));
        var authenticator = vigil.Services.GetRequiredService<SigV4Authenticator>();
        var now = vigil.Services.GetRequiredService<TimeProvider>().GetUtcNow();

        var good = await authenticator.AuthenticateAsync(TemporaryCredentialTests.SignedPost(new SigV4Credentials(created.Key.Id, created.SecretAccessKey), now, "us-east-1", true).Request,
            "{\n\t\"ChannelName\": \"camera-1\"\n}"u8.ToArray(), Ct);
        var wrongSecret = await authenticator.AuthenticateAsync(TemporaryCredentialTests.SignedPost(new SigV4Credentials(created.Key.Id, "not-the-secret"), now, "us-east-1", true).Request,
            "{\n\t\"ChannelName\": \"camera-1\"\n}"u8.ToArray(), Ct);
        var tamperedBody = await authenticator.AuthenticateAsync(TemporaryCredentialTests.SignedPost(new SigV4Credentials(created.Key.Id, created.SecretAccessKey), now, "us-east-1", true).Request,
            "{\n\t\"ChannelName\": \"camera-2\"\n}"u8.ToArray(), Ct);

        Assert.True(good.Succeeded, good.Failure?.ToString());
        Assert.Equal("user/ops@example.com", good.Principal!.Principal.ToString());
        Assert.Equal(SigV4FailureReason.SignatureMismatch, wrongSecret.Failure!.Reason);
        Assert.Equal(SigV4FailureReason.SignatureMismatch, tamperedBody.Failure!.Reason);
    }

    [Fact]
    public async Task The_keys_commands_create_list_and_revoke_and_show_the_secret_only_once()
    {
        using var data = new TempDirectory("data");
        using var files = new TempDirectory("files");
        await File.WriteAllTextAsync(files.File("viewer.json"), """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:ConnectAsViewer","Resource":"*"}]}""", Ct);
        foreach (var email in new[] { "alice@example.com", "bob@example.com" })
        {
            var added = await VigilExecutable.RunAsync(data.Path, ["user", "add", email], cancellationToken: Ct);
            Assert.True(added.ExitCode == 0, added.StandardError);
        }

        var create = await VigilExecutable.RunAsync(data.Path, ["keys", "create", "--user", "alice@example.com", "--json", "--description", "living room tablet"], cancellationToken: Ct);
        var createRestricted = await VigilExecutable.RunAsync(data.Path, ["keys", "create", "--user", "bob@example.com", "--policy", files.File("viewer.json")], cancellationToken: Ct);
        var key = JsonDocument.Parse(create.StandardOutput).RootElement.GetProperty("AccessKey");
        var id = key.GetProperty("AccessKeyId").GetString()!;
        var secret = key.GetProperty("SecretAccessKey").GetString()!;
        var revoke = await VigilExecutable.RunAsync(data.Path, ["keys", "revoke", id], cancellationToken: Ct);
        var list = await VigilExecutable.RunAsync(data.Path, ["keys", "list", "--json"], cancellationToken: Ct);
        var table = await VigilExecutable.RunAsync(data.Path, ["keys", "list"], cancellationToken: Ct);
        var bobs = await VigilExecutable.RunAsync(data.Path, ["keys", "list", "--user", "Bob@Example.com", "--json"], cancellationToken: Ct);

        Assert.Equal(0, create.ExitCode);
        Assert.Equal("alice@example.com", key.GetProperty("UserName").GetString());
        Assert.True(Guid.TryParse(key.GetProperty("UserId").GetString(), out _));
        Assert.Equal("Active", key.GetProperty("Status").GetString());
        Assert.Equal(0, createRestricted.ExitCode);
        Assert.Contains("The secret is shown only now", createRestricted.StandardOutput, StringComparison.Ordinal);
        Assert.Matches("SecretAccessKey  [A-Za-z0-9+/]{40}", createRestricted.StandardOutput);
        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal($"Revoked {id}.", revoke.StandardOutput.Trim());
        var keys = JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["alice@example.com", "bob@example.com"], keys.Select(k => k.GetProperty("user").GetString()));
        Assert.Equal(["Revoked", "Active"], keys.Select(k => k.GetProperty("status").GetString()));
        Assert.Equal("living room tablet", keys[0].GetProperty("description").GetString());
        Assert.Equal("kinesisvideo:ConnectAsViewer", keys[1].GetProperty("policy").GetProperty("Statement")[0].GetProperty("Action")[0].GetString());
        Assert.DoesNotContain(secret, list.StandardOutput + table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("revoked", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("alice@example.com", table.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["bob@example.com"], JsonDocument.Parse(bobs.StandardOutput).RootElement.EnumerateArray().Select(k => k.GetProperty("user").GetString()));
    }

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task A_disabled_accounts_keys_stop_authenticating_and_work_again_when_it_is_enabled(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);
        var resolver = vigil.Services.GetRequiredService<CredentialResolver>();
        var created = await vigil.InScopeAsync<AccessKeyStore, CreatedAccessKey>(async store => await store.CreateAsync(await SnapshotTestData.AccountAsync(vigil.Services, "robot@example.com", Ct), AccessPolicy.KinesisVideoFullAccess, null, Ct));
        var before = await resolver.ResolveAsync(created.Key.Id, null, Ct);

        await vigil.InScopeAsync<UserAccounts, bool>(accounts => accounts.DisableAsync("robot@example.com", Ct));
        var disabled = await resolver.ResolveAsync(created.Key.Id, null, Ct);
        await vigil.InScopeAsync<UserAccounts, bool>(accounts => accounts.EnableAsync("robot@example.com", Ct));
        var enabled = await resolver.ResolveAsync(created.Key.Id, null, Ct);

        Assert.True(before.Found);
        Assert.Equal(SigV4CredentialLookupStatus.UnknownAccessKey, disabled.Status);
        Assert.Null(disabled.Principal);
        Assert.True(enabled.Found);
        Assert.Equal("robot@example.com", enabled.Principal!.Principal.Name);
        Assert.True(Guid.TryParse(enabled.Principal.Principal.Variables[CredentialPrincipal.UserIdVariable], out _));
    }

    [Fact]
    public async Task A_request_signed_with_a_disabled_accounts_key_is_refused_by_the_control_plane()
    {
        await using var vigil = await RunningVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var credentials = await Signaling.TestCredentials.AdminKeyAsync(vigil, "ci@example.com");
        using var client = Signaling.KvsTestClient.For(vigil, credentials);
        var allowed = await client.PostAsync("/listSignalingChannels", "{}", Ct);

        await using (var scope = vigil.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAccounts>().DisableAsync("ci@example.com", Ct);
        }

        var refused = await client.PostAsync("/listSignalingChannels", "{}", Ct);

        Assert.Equal(200, allowed.Status);
        Assert.Equal((403, "UnrecognizedClientException"), (refused.Status, refused.ErrorType));
    }

    [Theory]
    [InlineData("not-an-email", null, "vigil: --user must be an e-mail address, not 'not-an-email'")]
    [InlineData("nobody@example.com", null, "vigil: no account has the e-mail address nobody@example.com; create it first with: vigil user add nobody@example.com")]
    [InlineData("a@example.com", """{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*"}]}""", "vigil: POLICY: Statement[0].Resource: is required")]
    [InlineData("a@example.com", "{ nope", "vigil: POLICY: the policy is not valid JSON: ")]
    public async Task Keys_create_refuses_bad_input_with_one_line(string user, string? policy, string expected)
    {
        using var data = new TempDirectory("data");
        using var files = new TempDirectory("files");
        var arguments = new List<string> { "keys", "create", "--user", user };
        if (policy is not null)
        {
            await File.WriteAllTextAsync(files.File("policy.json"), policy, Ct);
            arguments.AddRange(["--policy", files.File("policy.json")]);
        }

        var result = await VigilExecutable.RunAsync(data.Path, arguments, cancellationToken: Ct);
        var revokeUnknown = await VigilExecutable.RunAsync(data.Path, ["keys", "revoke", "AKIAAAAAAAAAAAAAAAAA"], cancellationToken: Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(expected.Replace("POLICY", files.File("policy.json"), StringComparison.Ordinal), result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", result.StandardOutput);
        Assert.Equal(1, revokeUnknown.ExitCode);
        Assert.Equal("vigil: no access key AKIAAAAAAAAAAAAAAAAA", revokeUnknown.StandardError.Trim());
    }
}
