namespace Vigil.Contracts.Kvs.Signaling;

/// <summary>The body of a <c>STATUS_RESPONSE</c>: the refused message's correlation id and the reason.</summary>
public sealed record SignalingStatusResponse
{
    /// <summary>The correlation id the refused message carried.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>An AWS error name, e.g. <c>InvalidArgumentException</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The HTTP-like status, sent as a string (e.g. <c>"400"</c>).</summary>
    public string? StatusCode { get; init; }

    /// <summary>What was wrong.</summary>
    public string? Description { get; init; }
}
