namespace Vigil.Contracts.FleetProvisioning;

/// <summary>Every fleet-provisioning <c>/rejected</c> payload: the status code is a JSON number.</summary>
public sealed record ErrorResponse
{
    /// <summary>HTTP-like status: 400 bad request, 403 refused, 500 server failure.</summary>
    public required int StatusCode { get; init; }

    /// <summary>A stable code such as <c>InvalidPayload</c>, <c>InvalidCertificateOwnershipToken</c>, <c>AccessDenied</c>.</summary>
    public required string ErrorCode { get; init; }

    /// <summary>Human-readable explanation.</summary>
    public required string ErrorMessage { get; init; }
}
