using System.CommandLine;
using System.Text.Json;
using Vigil.Server.Cli;

namespace Vigil.Server.Features.Identity;

/// <summary><c>vigil user add|list|reset-password|reset-mfa|disable|enable</c>: accounts, from the server's own machine.</summary>
internal static class UserCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var user = new Command("user", "Accounts: create them, list them, reset a password or an authenticator, disable or enable them");
        user.Subcommands.Add(CreateAdd());
        user.Subcommands.Add(CreateList());
        user.Subcommands.Add(CreateResetPassword());
        user.Subcommands.Add(CreateResetMfa());
        user.Subcommands.Add(CreateDisable());
        user.Subcommands.Add(CreateEnable());
        return user;
    }

    private static Argument<string> Email() => new("EMAIL") { Description = "The account's email address" };

    private static Option<string?> TemporaryPasswordOption() => new("--temporary-password")
    {
        Description = "The temporary password (at least 12 characters); default: a generated one, printed",
        HelpName = "P",
    };

    private static Command CreateAdd()
    {
        var email = Email();
        var admin = new Option<bool>("--admin") { Description = "Also give the account the admin role" };
        var password = TemporaryPasswordOption();
        var command = new Command("add", "Create an account with a temporary password, to be changed at the first sign-in") { email, admin, password, CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var (account, temporary) = await services.GetRequiredService<UserAccounts>()
                .CreateWithTemporaryPasswordAsync(parseResult.GetValue(email)!, parseResult.GetValue(admin), parseResult.GetValue(password), ct);
            var roles = parseResult.GetValue(admin) ? RoleNames.All : [RoleNames.User];
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(
                    new { id = account.Id, email = account.Email, roles, temporaryPassword = temporary, expiresAt = account.TemporaryPasswordExpiresAt }));
            }
            else
            {
                Console.WriteLine($"Created {account.Email} ({string.Join(", ", roles)}).");
                Console.WriteLine($"Temporary password: {temporary}");
                Console.WriteLine($"It must be changed at the first sign-in, before {account.TemporaryPasswordExpiresAt:yyyy-MM-dd HH:mm} UTC.");
            }

            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List accounts (never their secrets)") { CliOptions.Json };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var accounts = await services.GetRequiredService<UserAccounts>().ListAsync(ct);
            if (parseResult.GetValue(CliOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(accounts.Select(a => new
                {
                    id = a.Id,
                    email = a.Email,
                    roles = a.Roles,
                    mfaEnabled = a.MfaEnabled,
                    mustChangePassword = a.MustChangePassword,
                    createdAt = a.CreatedAt,
                    disabledAt = a.DisabledAt,
                    lockedUntil = a.LockedUntil,
                }), Indented));
                return CommandRunner.Success;
            }

            var table = new TextTable("EMAIL", "ROLES", "MFA", "STATUS", "CREATED");
            foreach (var a in accounts)
            {
                var status = a.DisabledAt is { } disabled ? $"disabled {disabled:yyyy-MM-dd}"
                    : a.LockedUntil is { } locked ? $"locked until {locked:HH:mm} UTC"
                    : a.MustChangePassword ? "temporary password"
                    : "active";
                table.Add(a.Email, string.Join(",", a.Roles), a.MfaEnabled ? "on" : "off", status, a.CreatedAt.ToString("yyyy-MM-dd HH:mm"));
            }

            Console.Write(table.Count == 0 ? "No accounts yet; create one with: vigil user add EMAIL --admin\n" : table.ToString());
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateResetPassword()
    {
        var email = Email();
        var password = TemporaryPasswordOption();
        var command = new Command("reset-password", "Give an account a new temporary password (and lift a lockout); its sessions and tokens end") { email, password };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var temporary = await services.GetRequiredService<UserAccounts>().ResetPasswordAsync(parseResult.GetValue(email)!, parseResult.GetValue(password), ct);
            Console.WriteLine($"Temporary password for {parseResult.GetValue(email)!.Trim()}: {temporary}");
            Console.WriteLine("It must be changed at the next sign-in.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateResetMfa()
    {
        var email = Email();
        var command = new Command("reset-mfa", "Forget an account's authenticator and recovery codes; a new one is set up at the next sign-in") { email };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            await services.GetRequiredService<UserAccounts>().ResetMfaAsync(parseResult.GetValue(email)!, ct);
            Console.WriteLine($"MFA reset for {parseResult.GetValue(email)!.Trim()}: the next sign-in sets up a new authenticator.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateDisable()
    {
        var email = Email();
        var command = new Command("disable", "Stop an account from signing in or using the API; its sessions and tokens end at once") { email };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var address = parseResult.GetValue(email)!.Trim();
            var changed = await services.GetRequiredService<UserAccounts>().DisableAsync(address, ct);
            Console.WriteLine(changed ? $"Disabled {address}." : $"{address} was already disabled.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateEnable()
    {
        var email = Email();
        var command = new Command("enable", "Let a disabled account sign in again") { email };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, async (services, ct) =>
        {
            var address = parseResult.GetValue(email)!.Trim();
            var changed = await services.GetRequiredService<UserAccounts>().EnableAsync(address, ct);
            Console.WriteLine(changed ? $"Enabled {address}." : $"{address} was not disabled.");
            return CommandRunner.Success;
        }, cancellationToken));
        return command;
    }
}
