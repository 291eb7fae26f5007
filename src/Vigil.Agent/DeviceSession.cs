using System.Security.Cryptography;
using MQTTnet;

namespace Vigil.Agent;

/// <summary>
/// <c>vigil-agent run</c>: keeps the camera connected with its own certificate, which is what makes
/// Vigil show it online (presence). A lost connection is retried with exponential backoff, 1 s
/// doubling to a minute, each wait varied by ±20 % so that a fleet does not reconnect in step after
/// a server restart. It ends when the server refuses the certificate (revoked: retrying cannot help)
/// or when asked to stop, and then says goodbye with an MQTT DISCONNECT, so that the presence event
/// says the camera left on purpose (<c>clientInitiatedDisconnect</c>) rather than that it was lost.
/// </summary>
internal sealed class DeviceSession(AgentBundle bundle, DeviceState state, TextWriter output, TimeProvider time)
{
    public const string NotProvisioned = "this camera is not provisioned yet; run first: vigil-agent provision --config agent.json --serial SERIAL";

    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(1);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (returns) or the certificate is refused (throws).</summary>
    /// <exception cref="AgentException">Not provisioned yet, or the device certificate was refused (<see cref="AgentExitCodes.Refused"/>).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var thing = state.LoadThing()
            ?? throw new AgentException(NotProvisioned);
        using var root = bundle.LoadRootCertificate();
        using var certificate = state.LoadDeviceCertificate();
        var endpoint = bundle.Configuration.Mqtt;
        var retry = FirstRetry;
        while (true)
        {
            string lost;
            try
            {
                await using var connection = await MqttConnection.ConnectAsync(endpoint, root, certificate, thing.ThingName, cancellationToken);
                output.WriteLine($"Online: connected to {endpoint.Host}:{endpoint.Port} as {thing.ThingName}.");
                var connectedAt = time.GetTimestamp();
                lost = "the server closed the connection (" + await connection.Closed.WaitAsync(cancellationToken) + ")";

                // Only a connection that lasted starts the backoff over: one accepted and dropped at
                // once (say, a second agent with the same thing name taking the session over) must
                // not turn into a reconnection every second.
                if (time.GetElapsedTime(connectedAt) >= LongestRetry)
                {
                    retry = FirstRetry;
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                output.WriteLine("Stopped.");
                return;
            }
            catch (MqttRefusedException e) when (IsFinal(e.Code))
            {
                throw new AgentException($"the server refused the device certificate ({e.Message}); it may have been revoked", AgentExitCodes.Refused);
            }
            catch (MqttRefusedException e)
            {
                lost = e.Message; // busy, unavailable, over a quota or rate: later may work
            }
            catch (AgentException e) when (e.ExitCode == AgentExitCodes.Failure)
            {
                lost = e.Message;
            }

            var wait = retry * (RandomNumberGenerator.GetInt32(800, 1201) / 1000.0);
            output.WriteLine($"Offline: {lost}; reconnecting in {wait.TotalSeconds:0.0} s.");
            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine("Stopped.");
                return;
            }

            retry = retry * 2 < LongestRetry ? retry * 2 : LongestRetry;
        }
    }

    /// <summary>Refusals about who this camera is, which reconnecting cannot change (unlike ServerBusy, QuotaExceeded...).</summary>
    private static bool IsFinal(MqttClientConnectResultCode code) => code is
        MqttClientConnectResultCode.NotAuthorized or
        MqttClientConnectResultCode.BadUserNameOrPassword or
        MqttClientConnectResultCode.Banned or
        MqttClientConnectResultCode.ClientIdentifierNotValid;
}
