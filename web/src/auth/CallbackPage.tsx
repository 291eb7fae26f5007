import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import type { UserManager } from "oidc-client-ts";
import { safeReturnPath } from "./oidc";

/** /auth/callback: redeems the authorization code (with its PKCE verifier) and goes back to where the user was. */
export function CallbackPage({ manager }: { manager: UserManager }) {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    // React's development mode runs effects twice; the code can be redeemed only once.
    if (started.current) return;
    started.current = true;
    manager.signinRedirectCallback().then(
      (user) => {
        const state = user.state as { returnTo?: unknown } | undefined;
        void navigate(safeReturnPath(state?.returnTo), { replace: true });
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [manager, navigate]);
  if (error) {
    return (
      <main className="page narrow">
        <h1>Sign-in did not finish</h1>
        <p className="error" role="alert">
          {error}
        </p>
        <p>
          <a className="button" href="/">
            Sign in again
          </a>
        </p>
      </main>
    );
  }
  return (
    <p className="status" role="status">
      Signing in…
    </p>
  );
}
