namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /ListTagsForResource</c>.</summary>
public sealed class ListTagsForResourceRequest
{
    /// <summary>The channel's ARN.</summary>
    public string? ResourceARN { get; init; }

    /// <summary>Unused: a channel has at most 50 tags, all returned at once.</summary>
    public string? NextToken { get; init; }
}
