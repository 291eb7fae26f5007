import { useState } from "react";
import { getMe } from "../../api/me";
import { useApi } from "../../api/useApi";
import { useAuth } from "../../auth/AuthContext";
import { ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";

/**
 * Who is signed in (GET /api/me), links to the hosted account pages that change the password,
 * the authenticator and the recovery codes (they work without JavaScript and ask for the
 * password again where needed), and sign-out.
 */
export function AccountPage() {
  const api = useApi();
  const auth = useAuth();
  const me = useLoad((signal) => getMe(api, signal), [api]);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <>
      <h1>Account</h1>
      {me.loading && <Loading what="your account" />}
      <ErrorMessage error={me.error} />
      {me.data && (
        <dl className="facts" id="account-facts">
          <dt>Signed in as</dt>
          <dd id="account-email">{me.data.email}</dd>
          <dt>Roles</dt>
          <dd>{me.data.roles.join(", ")}</dd>
          <dt>Authenticator (MFA)</dt>
          <dd>{me.data.mfaEnabled ? "On" : "Off"}</dd>
        </dl>
      )}
      <section aria-labelledby="security">
        <h2 id="security">Password and sign-in</h2>
        <ul className="links">
          <li>
            <a href="/account/password">Change your password</a>
          </li>
          <li>
            <a href="/account">Authenticator and recovery codes</a>
            {me.data && !me.data.mfaEnabled && (
              <>
                {" "}
                — <a href="/account/mfa/setup">set up an authenticator</a>
              </>
            )}
          </li>
        </ul>
      </section>
      <section aria-labelledby="session">
        <h2 id="session">This session</h2>
        <ErrorMessage error={error} />
        <button
          type="button"
          id="sign-out"
          disabled={signingOut}
          onClick={async () => {
            setSigningOut(true);
            setError(null);
            try {
              await auth.signOut();
            } catch (e) {
              setError(e instanceof Error ? `Could not sign out: ${e.message}` : "Could not sign out.");
              setSigningOut(false);
            }
          }}
        >
          {signingOut ? "Signing out…" : "Sign out"}
        </button>
      </section>
    </>
  );
}
