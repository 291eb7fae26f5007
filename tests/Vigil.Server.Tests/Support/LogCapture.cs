using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Vigil.Server.Tests.Support;

/// <summary>
/// Every log line a running Vigil writes at Information or above, kept for assertions; register with
/// <c>RunningVigil.StartAsync(services: capture.Register)</c>.
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();
    private readonly Channel<CapturedLog> _arrivals = Channel.CreateUnbounded<CapturedLog>();

    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    public void Register(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    /// <summary>The first line (already written or still to come) that satisfies <paramref name="match"/>.</summary>
    public async Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> match, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            // Lines written before this call are in the queue; later ones arrive on the channel (also queued, so
            // the queue is searched first and the channel drained after it).
            if (_lines.FirstOrDefault(match) is { } earlier)
            {
                return earlier;
            }

            await foreach (var line in _arrivals.Reader.ReadAllAsync(limit.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"No such log line. Lines written:\n{string.Join('\n', Lines)}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => _arrivals.Writer.TryComplete();

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var line = new CapturedLog(category, logLevel, eventId.Id, formatter(state, exception));
                capture._lines.Enqueue(line);
                capture._arrivals.Writer.TryWrite(line);
            }
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, int EventId, string Message)
{
    public override string ToString() => $"{Level} {Category}[{EventId}]: {Message}";
}
