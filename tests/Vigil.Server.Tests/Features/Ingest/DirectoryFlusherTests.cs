using Vigil.Server.Features.Ingest;

namespace Vigil.Server.Tests.Features.Ingest;

/// <summary>The spool's group commit of directory flushes: every caller is served, failures reach every caller of that flush.</summary>
public sealed class DirectoryFlusherTests
{
    [Fact]
    public async Task Concurrent_callers_are_all_served_and_a_later_call_starts_a_new_flush()
    {
        var directory = Directory.CreateTempSubdirectory("vigil-flusher-").FullName;
        try
        {
            var flusher = new DirectoryFlusher(directory);

            await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(flusher.FlushAsync)));
            await flusher.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_flush_fails_its_callers_and_the_next_call_tries_again()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vigil-flusher-missing-" + Guid.NewGuid().ToString("N"));
        var flusher = new DirectoryFlusher(directory);

        var callers = Enumerable.Range(0, 8).Select(_ => flusher.FlushAsync()).ToList();
        foreach (var caller in callers)
        {
            var error = await Assert.ThrowsAsync<IOException>(() => caller);
            Assert.Contains(directory, error.Message, StringComparison.Ordinal);
        }

        Directory.CreateDirectory(directory);
        try
        {
            await flusher.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
