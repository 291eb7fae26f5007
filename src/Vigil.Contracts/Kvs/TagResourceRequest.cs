namespace Vigil.Contracts.Kvs;

/// <summary><c>POST /TagResource</c>.</summary>
public sealed class TagResourceRequest
{
    /// <summary>The channel's ARN.</summary>
    public string? ResourceARN { get; init; }

    /// <summary>1 to 50 tags to add or overwrite.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }
}
