using System.Text.Json.Serialization;

namespace Vigil.Contracts.Kvs;

/// <summary>
/// Source-generated JSON metadata for the KVS control-plane and signaling HTTPS APIs (AWS restJson1):
/// exact PascalCase member names on output, as the KVS C SDK compares keys case-sensitively, and
/// case-insensitive names on input, as clients differ. Absent members are omitted, never written as null.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateSignalingChannelRequest))]
[JsonSerializable(typeof(CreateSignalingChannelResponse))]
[JsonSerializable(typeof(DescribeSignalingChannelRequest))]
[JsonSerializable(typeof(DescribeSignalingChannelResponse))]
[JsonSerializable(typeof(ListSignalingChannelsRequest))]
[JsonSerializable(typeof(ListSignalingChannelsResponse))]
[JsonSerializable(typeof(DeleteSignalingChannelRequest))]
[JsonSerializable(typeof(UpdateSignalingChannelRequest))]
[JsonSerializable(typeof(GetSignalingChannelEndpointRequest))]
[JsonSerializable(typeof(GetSignalingChannelEndpointResponse))]
[JsonSerializable(typeof(DescribeMediaStorageConfigurationRequest))]
[JsonSerializable(typeof(DescribeMediaStorageConfigurationResponse))]
[JsonSerializable(typeof(TagResourceRequest))]
[JsonSerializable(typeof(UntagResourceRequest))]
[JsonSerializable(typeof(ListTagsForResourceRequest))]
[JsonSerializable(typeof(ListTagsForResourceResponse))]
[JsonSerializable(typeof(GetIceServerConfigRequest))]
[JsonSerializable(typeof(GetIceServerConfigResponse))]
[JsonSerializable(typeof(EmptyResponse))]
public sealed partial class KvsJsonContext : JsonSerializerContext;
