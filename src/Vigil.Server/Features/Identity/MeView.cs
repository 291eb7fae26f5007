namespace Vigil.Server.Features.Identity;

/// <summary><c>GET /api/me</c>: who the access token belongs to.</summary>
internal sealed record MeView(Guid Id, string Email, IReadOnlyList<string> Roles, bool MfaEnabled);
