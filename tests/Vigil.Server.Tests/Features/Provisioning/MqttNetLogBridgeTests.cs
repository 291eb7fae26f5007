using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;
using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Tests.Features.Provisioning;

public sealed class MqttNetLogBridgeTests
{
    [Fact]
    public void A_client_that_vanished_is_debug_and_other_warnings_and_errors_keep_their_level()
    {
        var records = new List<(LogLevel Level, string Text)>();
        using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new Capture(records)));
        var bridge = new MqttNetLogBridge(loggers);

        bridge.Publish(MqttNetLogLevel.Warning, "MqttConnectedClient", "Client '{0}': Communication exception while receiving packets", ["CAM-1"], new MqttCommunicationException("Connection Aborted"));
        bridge.Publish(MqttNetLogLevel.Warning, "MqttServer", "Something unusual", [], new InvalidOperationException("unusual"));
        bridge.Publish(MqttNetLogLevel.Error, "MqttServer", "Broken", [], new MqttCommunicationException("broken"));

        Assert.Equal(
            [
                (LogLevel.Debug, "MqttConnectedClient: Client 'CAM-1': Communication exception while receiving packets"),
                (LogLevel.Warning, "MqttServer: Something unusual"),
                (LogLevel.Error, "MqttServer: Broken"),
            ],
            records);
    }

    private sealed class Capture(List<(LogLevel, string)> records) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(records);

        public void Dispose()
        {
        }

        private sealed class Logger(List<(LogLevel, string)> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                records.Add((logLevel, formatter(state, exception)));
        }
    }
}
