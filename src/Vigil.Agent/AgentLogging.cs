using Microsoft.Extensions.Logging;

namespace Vigil.Agent;

/// <summary>
/// The agent's log: one line per message on stdout (journald keeps them under systemd), as
/// <c>info: SourceRunner: Source testsrc: streaming</c>. Information and up by default, debug with
/// <c>--verbose</c>; the WebRTC library's own messages (per viewer, per candidate) from warnings up
/// unless verbose. A small provider of our own rather than Microsoft.Extensions.Logging.Console, which
/// would bring the configuration and options stacks into a process that should stay small.
/// </summary>
internal sealed class AgentLogging(TextWriter output, bool verbose) : ILoggerProvider, ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var library = categoryName.StartsWith("Vigil.WebRtc", StringComparison.Ordinal);
        var minimum = verbose ? LogLevel.Debug : library ? LogLevel.Warning : LogLevel.Information;
        var dot = categoryName.LastIndexOf('.');
        return new Logger(output, dot < 0 ? categoryName : categoryName[(dot + 1)..], minimum);
    }

    public void AddProvider(ILoggerProvider provider)
    {
        // One destination only.
    }

    public void Dispose()
    {
        // Nothing held: the output belongs to the caller.
    }

    private sealed class Logger(TextWriter output, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            var line = $"{level}: {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += minimum <= LogLevel.Debug ? Environment.NewLine + exception : $" ({exception.GetType().Name}: {exception.Message})";
            }

            // Console.Out is synchronized: lines from several threads do not interleave.
            output.WriteLine(line);
        }
    }
}
