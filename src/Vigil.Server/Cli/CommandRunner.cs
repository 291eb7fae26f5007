using System.CommandLine;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Cli;

/// <summary>
/// Runs a command against the data directory directly (no server needed, and safe while one
/// runs): builds the command host, validates configuration, migrates and initialises, then runs
/// the command in a service scope. Operator mistakes become one line on standard error and exit code 1.
/// </summary>
internal static class CommandRunner
{
    public const int Success = 0;
    public const int Failure = 1;

    public static async Task<int> RunAsync(
        ParseResult parseResult,
        Func<IServiceProvider, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken)
    {
        try
        {
            var data = DataDirectory.Resolve(parseResult.GetValue(CliOptions.Data));
            using var host = VigilHost.BuildCommandHost(data);
            VigilHost.ValidateOptions(host.Services);
            await host.Services.GetRequiredService<VigilInitializer>().InitializeAsync(cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            return await command(scope.ServiceProvider, cancellationToken);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await Console.Error.WriteLineAsync($"vigil: {message}");
            return Failure;
        }
    }

    /// <summary>Reports a refusal the way every command does (<c>vigil: reason</c> on standard error) and gives the exit code to return.</summary>
    public static async Task<int> FailAsync(string reason)
    {
        await Console.Error.WriteLineAsync($"vigil: {reason}");
        return Failure;
    }

    /// <summary>The one-line explanation of an error an operator can fix, or null for a bug (which keeps its stack trace).</summary>
    public static string? Describe(Exception e) => e switch
    {
        OperatorException => e.Message,
        OptionsValidationException validation => $"configuration error: {string.Join("; ", validation.Failures)}",
        InvalidDataException when e.Message.StartsWith("Failed to load configuration", StringComparison.Ordinal) =>
            $"configuration error: {e.Message} {e.InnerException?.Message}".Trim(),
        InvalidOperationException when IsBinderError(e.Message) => $"configuration error: {e.Message}",
        OperationCanceledException => "cancelled",
        _ => null,
    };

    private static bool IsBinderError(string message) =>
        message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
        || message.StartsWith("Failed to create instance of type", StringComparison.Ordinal);
}
