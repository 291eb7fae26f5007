using System.Globalization;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// MQTTnet's own diagnostics (protocol errors) in Vigil's log, category <c>MQTTnet</c>; its verbose
/// chatter is Debug. So is a client that vanished without DISCONNECT (MQTTnet's warning with a
/// <see cref="MqttCommunicationException"/>): a camera losing Wi-Fi is routine, presence already
/// reports it (CONNECTION_LOST), and 10,000 cameras behind a rebooting router would otherwise
/// write 10,000 warnings with stack traces.
/// </summary>
internal sealed class MqttNetLogBridge(ILoggerFactory loggers) : IMqttNetLogger
{
    private readonly ILogger _logger = loggers.CreateLogger("MQTTnet");

    public bool IsEnabled => _logger.IsEnabled(LogLevel.Debug) || _logger.IsEnabled(LogLevel.Warning);

    public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
    {
        var logLevel = level switch
        {
            MqttNetLogLevel.Warning when exception is MqttCommunicationException => LogLevel.Debug,
            MqttNetLogLevel.Error => LogLevel.Error,
            MqttNetLogLevel.Warning => LogLevel.Warning,
            MqttNetLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (!_logger.IsEnabled(logLevel))
        {
            return;
        }

        var text = parameters is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, message, parameters) : message;
#pragma warning disable CA1848, CA2254 // MQTTnet hands over preformatted text; there is no fixed template to cache.
        _logger.Log(logLevel, exception, "{Source}: {Message}", source, text);
#pragma warning restore CA1848, CA2254
    }
}
