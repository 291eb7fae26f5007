using Microsoft.AspNetCore.Authorization;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// The token's account still exists and is not disabled. Checked on every API call (one indexed
/// lookup), so <c>vigil user disable</c> takes effect at once, not when the access token expires.
/// </summary>
internal sealed class ActiveAccountRequirement : IAuthorizationRequirement;
