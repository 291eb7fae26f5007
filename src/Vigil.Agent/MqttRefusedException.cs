using MQTTnet;

namespace Vigil.Agent;

/// <summary>The broker refused the connection in its CONNACK (e.g. not authorized).</summary>
internal sealed class MqttRefusedException : Exception
{
    public MqttRefusedException()
    {
    }

    public MqttRefusedException(string message)
        : base(message)
    {
    }

    public MqttRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MqttRefusedException(MqttClientConnectResultCode code, string? reason)
        : base($"the MQTT broker refused the connection: {code}{(string.IsNullOrEmpty(reason) ? "" : $" ({reason})")}") => Code = code;

    public MqttClientConnectResultCode Code { get; }
}
