namespace Vigil.SigV4;

/// <summary>Where a presigned URL carries <c>X-Amz-Signature</c>. Verification accepts either.</summary>
public enum SigV4SignaturePlacement
{
    /// <summary>Sorted together with the other parameters, as the KVS WebRTC JS SDK builds its URL.</summary>
    Sorted,

    /// <summary>Appended after the sorted signed parameters, as the KVS WebRTC C SDK builds its URL.</summary>
    Last,
}
