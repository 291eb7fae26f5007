namespace Vigil.Server.Features.Provisioning;

/// <summary>An integration's MQTT client: the client id it must connect with and the topic filters it may subscribe to.</summary>
internal sealed record IntegrationClient(string ClientId, IReadOnlyList<string> ReadFilters);
