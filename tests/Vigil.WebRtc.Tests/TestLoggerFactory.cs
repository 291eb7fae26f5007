using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Vigil.WebRtc.Tests;

/// Sends log lines to the running test's output (shown when a test fails), with elapsed time.
internal sealed class TestLoggerFactory(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILoggerFactory
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        try
        {
            output.WriteLine($"{_clock.Elapsed.TotalSeconds,8:0.000} {level,-11} {category}: {message}{(exception is null ? string.Empty : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late lines from background loops are dropped.
        }
    }

    private sealed class Logger(TestLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                factory.Write(category, logLevel, formatter(state, exception), exception);
            }
        }
    }

    private LogLevel Minimum { get; } = minimum;
}
