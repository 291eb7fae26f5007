import { useEffect, type ReactNode } from "react";
import { useLocation } from "react-router";
import { useAuth } from "./AuthContext";

/** Renders its pages for a signed-in user; otherwise sends the browser to sign in and back here. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  useEffect(() => {
    if (auth.status === "signed-out") {
      void auth.signIn(location.pathname + location.search + location.hash);
    }
  }, [auth, location]);
  if (auth.status !== "signed-in") {
    return (
      <p className="status" role="status">
        {auth.status === "loading" ? "Loading…" : auth.status === "signing-out" ? "Signing out…" : "Signing in…"}
      </p>
    );
  }
  return <>{children}</>;
}
