using System.Buffers;
using System.Text;
using System.Threading.Channels;
using MQTTnet;

namespace Vigil.Server.Tests.Features.Integrations;

/// <summary>Every message a client receives, to be awaited by topic with a timeout.</summary>
internal sealed class MessageRecorder
{
    private readonly Channel<(string Topic, string Payload, bool Retained)> _messages = Channel.CreateUnbounded<(string, string, bool)>();
    private readonly List<(string Topic, string Payload, bool Retained)> _seen = [];
    private readonly HashSet<int> _claimed = [];

    public MessageRecorder(IMqttClient client) =>
        client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Writer.TryWrite((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };

    public IReadOnlyList<(string Topic, string Payload, bool Retained)> Seen => _seen;

    /// <summary>
    /// The first message on <paramref name="topic"/> that satisfies <paramref name="accept"/> and was
    /// not returned before (messages on different topics may arrive in any order).
    /// </summary>
    public async Task<(string Topic, string Payload, bool Retained)> WaitForAsync(string topic, Func<string, bool>? accept, CancellationToken cancellationToken)
    {
        bool Matches((string Topic, string Payload, bool Retained) m) => m.Topic == topic && (accept is null || accept(m.Payload));
        for (var i = 0; i < _seen.Count; i++)
        {
            if (!_claimed.Contains(i) && Matches(_seen[i]))
            {
                _claimed.Add(i);
                return _seen[i];
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(IntegrationClients.MessageTimeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(timeout.Token);
                _seen.Add(message);
                if (Matches(message))
                {
                    _claimed.Add(_seen.Count - 1);
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no message on {topic} within {IntegrationClients.MessageTimeout}; seen: {string.Join("; ", _seen.Select(m => m.Topic + "=" + m.Payload))}");
        }
    }
}
