using System.CommandLine;
using System.Net.Mail;
using System.Text.Json;
using Vigil.Server.Cli;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Identity;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Credentials;

/// <summary><c>vigil keys create|list|revoke</c>: long-term access keys for administrators and automation.</summary>
internal static class KeyCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Long-term access keys (AKIA…) for AWS SDKs, the AWS CLI and scripts that call Vigil's KVS-compatible APIs");
        keys.Subcommands.Add(CreateCreate());
        keys.Subcommands.Add(CreateList());
        keys.Subcommands.Add(CreateRevoke());
        return keys;
    }

    private static Command CreateCreate()
    {
        var user = new Option<string>("--user") { Description = "E-mail address of the account (person or automation; create it with 'vigil user add') the key belongs to", HelpName = "EMAIL", Required = true };
        var policy = new Option<string?>("--policy") { Description = "IAM-style policy JSON file limiting the key (default: kinesisvideo:* on every resource for an admin account, nothing for any other); - reads standard input", HelpName = "FILE" };
        var description = new Option<string?>("--description") { Description = "A note shown by 'vigil keys list', e.g. what the key is for", HelpName = "TEXT" };
        var command = new Command("create", "Create an access key; its secret is printed once and never stored in plain text") { user, policy, description, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var email = parseResult.GetValue(user)!.Trim();
            if (!IsEmail(email))
            {
                await Console.Error.WriteLineAsync($"vigil: --user must be an e-mail address, not '{DisplayText.Printable(email, 64, "")}'");
                return CommandRunner.Failure;
            }

            var note = parseResult.GetValue(description);
            if (note is { Length: > AccessKeyStore.MaxDescriptionLength })
            {
                await Console.Error.WriteLineAsync($"vigil: --description is longer than {AccessKeyStore.MaxDescriptionLength} characters");
                return CommandRunner.Failure;
            }

            var policyPath = parseResult.GetValue(policy);
            AccessPolicy? given = null;
            if (policyPath is not null)
            {
                given = await LoadPolicyAsync(policyPath, ct);
                if (given is null)
                {
                    return CommandRunner.Failure;
                }
            }

            var account = await services.GetRequiredService<IUserDirectory>().RequireByEmailAsync(email, ct);
            var accessPolicy = given ?? AccessKeyStore.DefaultPolicy(account);
            var created = await services.GetRequiredService<AccessKeyStore>().CreateAsync(account.Id, accessPolicy, note, ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                // The shape of `aws iam create-access-key`, so scripts written for it read this too.
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("AccessKey");
                    writer.WriteString("UserName", account.Email);
                    writer.WriteString("UserId", account.Id);
                    writer.WriteString("AccessKeyId", created.Key.Id);
                    writer.WriteString("Status", "Active");
                    writer.WriteString("SecretAccessKey", created.SecretAccessKey);
                    writer.WriteString("CreateDate", created.Key.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }, ct);
                return CommandRunner.Success;
            }

            Console.Write(
                $"""
                Access key for {account.Email}. The secret is shown only now: store it safely.
                  AccessKeyId      {created.Key.Id}
                  SecretAccessKey  {created.SecretAccessKey}
                  Policy           {(policyPath is not null ? policyPath : account.IsAdmin ? "kinesisvideo:* on every resource (default for an admin; --policy FILE restricts it)" : "none (default for an account that is not an admin; --policy FILE grants what it may do)")}

                """);
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var user = new Option<string?>("--user") { Description = "Only the keys of this e-mail address", HelpName = "EMAIL" };
        var command = new Command("list", "List access keys (never their secrets)") { user, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var directory = services.GetRequiredService<IUserDirectory>();
            var userId = parseResult.GetValue(user) is { } filter ? (await directory.RequireByEmailAsync(filter, ct)).Id : (Guid?)null;
            var found = await services.GetRequiredService<AccessKeyStore>().ListAsync(userId, ct);
            var emails = await directory.EmailsAsync(found.Select(k => k.UserId), ct);
            var keys = found.OrderBy(k => emails[k.UserId], StringComparer.Ordinal).ThenBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
            if (parseResult.GetValue(CliOptions.Json))
            {
                await CliOutput.WriteJsonAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var key in keys)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("accessKeyId", key.Id);
                        writer.WriteString("user", emails[key.UserId]);
                        writer.WriteString("userId", key.UserId);
                        writer.WriteString("status", key.RevokedAt is null ? "Active" : "Revoked");
                        writer.WriteString("createdAt", key.CreatedAt);
                        if (key.RevokedAt is { } revoked)
                        {
                            writer.WriteString("revokedAt", revoked);
                        }
                        else
                        {
                            writer.WriteNull("revokedAt");
                        }

                        writer.WriteString("description", key.Description);
                        writer.WritePropertyName("policy");
                        using (var policy = JsonDocument.Parse(key.Policy))
                        {
                            policy.RootElement.WriteTo(writer);
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }, ct);
                return CommandRunner.Success;
            }

            var table = new TextTable("ACCESS KEY ID", "USER", "CREATED", "STATUS", "DESCRIPTION");
            foreach (var key in keys)
            {
                table.Add(key.Id, emails[key.UserId], key.CreatedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                    key.RevokedAt is { } r ? $"revoked {r:yyyy-MM-dd}" : "active", key.Description ?? "");
            }

            Console.Write(table.Count == 0 ? "No access keys; create one with: vigil keys create --user EMAIL\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateRevoke()
    {
        var id = new Argument<string>("ACCESS_KEY_ID") { Description = "The key to revoke (AKIA…)" };
        var command = new Command("revoke", "Revoke an access key: every request signed with it is refused from now on, on every node") { id };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var value = parseResult.GetValue(id)!.Trim();
            switch (await services.GetRequiredService<AccessKeyStore>().RevokeAsync(value, ct))
            {
                case RevokeOutcome.Revoked:
                    Console.WriteLine($"Revoked {value}.");
                    return CommandRunner.Success;
                case RevokeOutcome.AlreadyRevoked:
                    Console.WriteLine($"{value} was already revoked.");
                    return CommandRunner.Success;
                default:
                    await Console.Error.WriteLineAsync($"vigil: no access key {DisplayText.Printable(value, 64, "")}");
                    return CommandRunner.Failure;
            }
        }, cancellationToken));
        return command;
    }

    private static async Task<AccessPolicy?> LoadPolicyAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            if (path == "-")
            {
                text = await Console.In.ReadToEndAsync(cancellationToken);
            }
            else
            {
                if (new FileInfo(path) is { Exists: true } info && info.Length > 4 * AccessPolicy.MaxDocumentLength)
                {
                    await Console.Error.WriteLineAsync($"vigil: {path}: the policy is larger than {AccessPolicy.MaxDocumentLength} characters");
                    return null;
                }

                text = await File.ReadAllTextAsync(path, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"vigil: cannot read {path}: {e.Message}");
            return null;
        }

        if (!AccessPolicy.TryParse(text, out var policy, out var error))
        {
            await Console.Error.WriteLineAsync($"vigil: {path}: {error}");
            return null;
        }

        return policy;
    }

    private static bool IsEmail(string value) =>
        value.Length <= CredentialPrincipal.MaxNameLength
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && !value.AsSpan().ContainsAny(UnwantedInEmail);

    private static readonly System.Buffers.SearchValues<char> UnwantedInEmail = System.Buffers.SearchValues.Create(" /\\\"'<>");
}
