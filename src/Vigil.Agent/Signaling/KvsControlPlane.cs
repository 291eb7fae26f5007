using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Contracts.Kvs;

namespace Vigil.Agent.Signaling;

/// <summary>
/// The KVS calls a camera makes before it connects as master, signed with SigV4 by the
/// <see cref="HttpClient"/>'s handler: DescribeSignalingChannel (creating the channel when it does not
/// exist, as the KVS C SDK does), GetSignalingChannelEndpoint for WSS and HTTPS as MASTER, and
/// GetIceServerConfig on the channel's HTTPS endpoint.
/// </summary>
internal sealed class KvsControlPlane(HttpClient http, Uri baseUrl)
{
    /// <exception cref="AgentException">A call failed; the message names the operation and the service's error.</exception>
    public async Task<ChannelEndpoints> ResolveAsync(string channelName, CancellationToken cancellationToken)
    {
        var arn = await DescribeAsync(channelName, cancellationToken)
            ?? await CreateAsync(channelName, cancellationToken);
        var endpoints = await PostAsync(
            new Uri(baseUrl, "/getSignalingChannelEndpoint"),
            new GetSignalingChannelEndpointRequest
            {
                ChannelARN = arn,
                SingleMasterChannelEndpointConfiguration = new SingleMasterChannelEndpointConfiguration { Protocols = ["WSS", "HTTPS"], Role = "MASTER" },
            },
            KvsJsonContext.Default.GetSignalingChannelEndpointRequest,
            KvsJsonContext.Default.GetSignalingChannelEndpointResponse,
            "GetSignalingChannelEndpoint",
            cancellationToken);
        Uri Endpoint(string protocol) =>
            endpoints.ResourceEndpointList.FirstOrDefault(e => e.Protocol == protocol) is { } item && Uri.TryCreate(item.ResourceEndpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw new AgentException($"GetSignalingChannelEndpoint returned no {protocol} endpoint");
        return new ChannelEndpoints(arn, Endpoint("WSS"), Endpoint("HTTPS"));
    }

    public async Task<IReadOnlyList<IceServer>> GetIceServerConfigAsync(ChannelEndpoints channel, CancellationToken cancellationToken)
    {
        var response = await PostAsync(
            new Uri(channel.Https, "/v1/get-ice-server-config"),
            new GetIceServerConfigRequest { ChannelARN = channel.ChannelArn, Service = "TURN" },
            KvsJsonContext.Default.GetIceServerConfigRequest,
            KvsJsonContext.Default.GetIceServerConfigResponse,
            "GetIceServerConfig",
            cancellationToken);
        return response.IceServerList;
    }

    private async Task<string?> DescribeAsync(string channelName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await PostAsync(
                new Uri(baseUrl, "/describeSignalingChannel"),
                new DescribeSignalingChannelRequest { ChannelName = channelName },
                KvsJsonContext.Default.DescribeSignalingChannelRequest,
                KvsJsonContext.Default.DescribeSignalingChannelResponse,
                "DescribeSignalingChannel",
                cancellationToken);
            return response.ChannelInfo.ChannelARN;
        }
        catch (KvsCallException e) when (e.ErrorType == "ResourceNotFoundException")
        {
            return null;
        }
    }

    private async Task<string> CreateAsync(string channelName, CancellationToken cancellationToken)
    {
        var response = await PostAsync(
            new Uri(baseUrl, "/createSignalingChannel"),
            new CreateSignalingChannelRequest { ChannelName = channelName, ChannelType = "SINGLE_MASTER" },
            KvsJsonContext.Default.CreateSignalingChannelRequest,
            KvsJsonContext.Default.CreateSignalingChannelResponse,
            "CreateSignalingChannel",
            cancellationToken);
        return response.ChannelARN;
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(Uri url, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        string operation, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, requestType));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(url, content, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ServerUnreachableException($"{operation}: cannot reach {url.Authority}: {e.Message}");
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First().Split(':')[0] : "?";
                throw new KvsCallException(operation, (int)response.StatusCode, type, Message(bytes));
            }

            try
            {
                return JsonSerializer.Deserialize(bytes, responseType) ?? throw new AgentException($"{operation}: empty answer");
            }
            catch (JsonException e)
            {
                throw new AgentException($"{operation}: the answer is not what KVS sends: {e.Message}");
            }
        }
    }

    private static string Message(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.NameEquals("Message") || property.NameEquals("message"))
                {
                    return property.Value.GetString() ?? string.Empty;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: say nothing more.
        }

        return string.Empty;
    }
}
