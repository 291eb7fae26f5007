namespace Vigil.Server.Features.Signaling;

/// <summary>The IAM action names of the KVS operations, as policies name them.</summary>
internal static class KvsActions
{
    public const string CreateSignalingChannel = "kinesisvideo:CreateSignalingChannel";
    public const string DescribeSignalingChannel = "kinesisvideo:DescribeSignalingChannel";
    public const string ListSignalingChannels = "kinesisvideo:ListSignalingChannels";
    public const string UpdateSignalingChannel = "kinesisvideo:UpdateSignalingChannel";
    public const string DeleteSignalingChannel = "kinesisvideo:DeleteSignalingChannel";
    public const string GetSignalingChannelEndpoint = "kinesisvideo:GetSignalingChannelEndpoint";
    public const string DescribeMediaStorageConfiguration = "kinesisvideo:DescribeMediaStorageConfiguration";
    public const string TagResource = "kinesisvideo:TagResource";
    public const string UntagResource = "kinesisvideo:UntagResource";
    public const string ListTagsForResource = "kinesisvideo:ListTagsForResource";
    public const string GetIceServerConfig = "kinesisvideo:GetIceServerConfig";
    public const string ConnectAsMaster = "kinesisvideo:ConnectAsMaster";
    public const string ConnectAsViewer = "kinesisvideo:ConnectAsViewer";
}
