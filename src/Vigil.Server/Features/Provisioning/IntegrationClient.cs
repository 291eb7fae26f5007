namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// An integration's MQTT client: the client id it must connect with, the topic filters it may
/// subscribe to, and, unless it reads every owner's cameras, the scope that limits it to one owner's.
/// </summary>
internal sealed record IntegrationClient(string ClientId, IReadOnlyList<string> ReadFilters, IIntegrationTopicScope? Scope);
