namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /UntagResource</c>.</summary>
public sealed class UntagResourceRequest
{
    /// <summary>The channel's ARN.</summary>
    public string? ResourceARN { get; init; }

    /// <summary>1 to 50 tag keys to remove.</summary>
    public IReadOnlyList<string>? TagKeyList { get; init; }
}
