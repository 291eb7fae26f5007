using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Vigil.Contracts.Agent;

namespace Vigil.Agent;

/// <summary>
/// One MQTT connection to Vigil (or AWS IoT) over TLS with a client certificate, trusting only
/// the root CA of the bundle. Requests follow the fleet-provisioning pattern: subscribe to the
/// request's <c>/accepted</c> and <c>/rejected</c> topics, then publish (spec §4.2).
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly IMqttClient _client;
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttConnection(IMqttClient client)
    {
        _client = client;
        _client.DisconnectedAsync += e =>
        {
            _closed.TrySetResult(e.ReasonString is { Length: > 0 } text ? $"{e.Reason}: {text}" : e.Reason.ToString());
            return Task.CompletedTask;
        };

        // Lost between the CONNACK and the handler above: the event has been raised already.
        if (!_client.IsConnected)
        {
            _closed.TrySetResult("the connection was lost");
        }
    }

    /// <summary>Completes, with the reason, when the connection ends (also when <see cref="DisposeAsync"/> ends it).</summary>
    public Task<string> Closed => _closed.Task;

    public static async Task<MqttConnection> ConnectAsync(MqttEndpoint endpoint, X509Certificate2 root, X509Certificate2 certificate, string clientId, CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithTargetHost(endpoint.Host)
                    .WithTrustChain([root])
                    .WithRevocationMode(X509RevocationMode.NoCheck)
                    .WithClientCertificates([certificate]);
                if (endpoint.Alpn is { Length: > 0 } alpn)
                {
                    tls.WithApplicationProtocols([new SslApplicationProtocol(alpn)]);
                }
            })
            .Build();
        var client = new MqttClientFactory().CreateMqttClient();
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(options, cancellationToken);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new AgentException($"cannot connect to MQTT at {endpoint.Host}:{endpoint.Port}: {e.Message}");
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new MqttRefusedException(result.ResultCode, result.ReasonString);
        }

        return new MqttConnection(client);
    }

    /// <summary>Publishes a request and returns whether it was accepted, with the response payload.</summary>
    public async Task<(bool Accepted, string Payload)> RequestAsync(string topic, string payload, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = topic + "/accepted";
        var rejected = topic + "/rejected";
        Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
        {
            var received = e.ApplicationMessage.Topic;
            if (received == accepted || received == rejected)
            {
                answer.TrySetResult((received == accepted, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
            }

            return Task.CompletedTask;
        }

        _client.ApplicationMessageReceivedAsync += OnMessage;
        try
        {
            var subscription = await _client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(accepted, MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithTopicFilter(rejected, MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                cancellationToken);
            if (subscription.Items.FirstOrDefault(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
            {
                throw new AgentException($"the server refused the subscription to {refused.TopicFilter.Topic} ({refused.ResultCode}); is the claim certificate for this template?");
            }

            var published = await _client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken);
            if (!published.IsSuccess && published.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                throw new AgentException($"the server refused the request on {topic} ({published.ReasonCode})");
            }

            var first = await Task.WhenAny(answer.Task, Closed).WaitAsync(RequestTimeout, cancellationToken);
            return first == answer.Task ? await answer.Task : throw new AgentException($"the server closed the connection ({await Closed})");
        }
        catch (TimeoutException)
        {
            throw new AgentException($"no answer on {topic} within {RequestTimeout.TotalSeconds:0} s");
        }
        finally
        {
            _client.ApplicationMessageReceivedAsync -= OnMessage;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            // Bounded: on Ctrl+C or SIGTERM the process has about two seconds before it is ended.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), deadline.Token);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // Already gone, or not answering: closing the socket below is all that is left.
            }
        }

        _client.Dispose();
    }
}
