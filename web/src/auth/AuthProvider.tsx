import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { User, UserManager } from "oidc-client-ts";
import { AuthContext, type Auth, type AuthStatus } from "./AuthContext";
import { safeReturnPath } from "./oidc";

/** Keeps the signed-in user of one UserManager and tells the app when the session ends. */
export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<AuthStatus>("loading");
  const renewing = useRef<Promise<boolean> | null>(null);
  // Signing out removes the user before the browser leaves for the end-session endpoint; the
  // pages must not take that for an ended session and start a sign-in (the provider's cookie
  // is still there at that moment, so the user would be signed straight back in).
  const leaving = useRef(false);

  useEffect(() => {
    let live = true;
    const loaded = (u: User) => {
      setUser(u);
      setStatus("signed-in");
    };
    const ended = () => {
      setUser(null);
      setStatus(leaving.current ? "signing-out" : "signed-out");
    };
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(ended);
    // The access token ran out and no renewal replaced it (the refresh token was refused or the
    // network was down): the session is over; protected pages send the user to sign in.
    manager.events.addAccessTokenExpired(ended);
    manager.getUser().then(
      (u) => {
        if (!live) return;
        if (u && !u.expired) loaded(u);
        else if (u?.refresh_token) {
          // A reload after the access token expired: the refresh token may still be good.
          manager.signinSilent().then(
            (renewed) => (renewed ? loaded(renewed) : ended()),
            () => ended(),
          );
        } else ended();
      },
      () => live && ended(),
    );
    return () => {
      live = false;
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(ended);
      manager.events.removeAccessTokenExpired(ended);
    };
  }, [manager]);

  const signIn = useCallback(
    async (returnTo?: string) => {
      const here = window.location.pathname + window.location.search + window.location.hash;
      await manager.signinRedirect({ state: { returnTo: safeReturnPath(returnTo ?? here) } });
    },
    [manager],
  );

  const signOut = useCallback(async () => {
    leaving.current = true;
    setStatus("signing-out");
    try {
      await manager.signoutRedirect();
    } catch (e) {
      leaving.current = false;
      setStatus((await manager.getUser()) ? "signed-in" : "signed-out");
      throw e;
    }
  }, [manager]);

  const renew = useCallback((): Promise<boolean> => {
    // One renewal at a time: several API calls refused at once share it (a refresh token is
    // single-use, a second parallel use would revoke the whole grant).
    renewing.current ??= manager
      .signinSilent()
      .then((u) => u !== null)
      .catch(async () => {
        await manager.removeUser();
        return false;
      })
      .finally(() => {
        renewing.current = null;
      });
    return renewing.current;
  }, [manager]);

  const accessToken = useCallback(async () => {
    if (renewing.current) await renewing.current;
    let current = await manager.getUser();
    if (current && (current.expires_in ?? 0) < 10 && (await renew())) current = await manager.getUser();
    return current && !current.expired ? current.access_token : null;
  }, [manager, renew]);

  const value = useMemo<Auth>(() => ({ status, user, signIn, signOut, accessToken, renew }), [status, user, signIn, signOut, accessToken, renew]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
