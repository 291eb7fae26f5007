using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Identity;

/// <summary>The userinfo endpoint's answer (OpenID Connect Core §5.3.2); members appear per granted scope.</summary>
internal sealed record UserInfoResponse(
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
    [property: JsonPropertyName("email_verified"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? EmailVerified,
    [property: JsonPropertyName("preferred_username"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PreferredUsername,
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Roles);
