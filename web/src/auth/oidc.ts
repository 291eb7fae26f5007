import { UserManager, WebStorageStateStore } from "oidc-client-ts";

/** Where Vigil's provider sends the browser back with the authorization code (a registered redirect URI of vigil-web). */
export const callbackPath = "/auth/callback";

/** The client id Vigil registers for its own web client (Identity:Clients, docs/identity.md). */
export const clientId = "vigil-web";

/**
 * The OpenID Connect client: authorization code + PKCE (S256) against the Vigil server this page
 * came from. Tokens live in sessionStorage (one tab's session; a new tab signs in again silently
 * through the provider's cookie). Renewal uses the refresh token (scope offline_access) 30 seconds
 * before the access token expires: Vigil forbids framing (X-Frame-Options: DENY), so the iframe
 * kind of silent renewal is not an option, and none is needed.
 */
export function createUserManager(origin: string = window.location.origin): UserManager {
  return new UserManager({
    authority: `${origin}/`,
    client_id: clientId,
    redirect_uri: `${origin}${callbackPath}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: "code",
    scope: "openid email roles offline_access api",
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 30,
    monitorSession: false,
    loadUserInfo: false,
    // The sign-out revokes the refresh token first, so a copy of it stops working too.
    revokeTokensOnSignout: true,
    revokeTokenTypes: ["refresh_token"],
  });
}

/** A path inside this app to come back to after signing in; anything else becomes "/". */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  return value.startsWith(callbackPath) ? "/" : value;
}
