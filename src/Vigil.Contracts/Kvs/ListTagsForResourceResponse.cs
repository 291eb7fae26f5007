namespace Vigil.Contracts.Kvs;

/// <summary>The answer to ListTagsForResource: the tags as a map.</summary>
public sealed class ListTagsForResourceResponse
{
    /// <summary>Never set: every tag is in one page.</summary>
    public string? NextToken { get; init; }

    /// <summary>Key → value.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
}
