using System.Text.Json;

namespace Vigil.Server.Cli;

/// <summary>What the commands print for <c>--json</c>: indented JSON on standard output, then a newline.</summary>
internal static class CliOutput
{
    public static Task WriteJsonAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken) =>
        WriteJsonAsync(writer =>
        {
            write(writer);
            return Task.CompletedTask;
        }, cancellationToken);

    public static async Task WriteJsonAsync(Func<Utf8JsonWriter, Task> write, CancellationToken cancellationToken)
    {
        await using var output = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            await write(writer);
            await writer.FlushAsync(cancellationToken);
        }

        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}
