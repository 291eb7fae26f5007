import { createContext, useContext } from "react";
import type { User } from "oidc-client-ts";

export type AuthStatus = "loading" | "signed-in" | "signed-out" | "signing-out";

export interface Auth {
  status: AuthStatus;
  user: User | null;
  /** Sends the browser to Vigil's sign-in; it comes back to `returnTo` (default: the current page). */
  signIn(returnTo?: string): Promise<void>;
  /** Revokes the refresh token and ends the session at the provider (end-session endpoint). */
  signOut(): Promise<void>;
  /** A current access token, renewed with the refresh token when it is about to expire; null when the session has ended. */
  accessToken(): Promise<string | null>;
  /** Renews the access token now (after the API refused it); false when the session has ended. */
  renew(): Promise<boolean>;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside <AuthProvider>");
  return auth;
}
