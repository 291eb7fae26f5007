import { useMemo } from "react";
import { useAuth } from "../auth/AuthContext";
import { ApiClient } from "./client";

/** The API client of the signed-in user. */
export function useApi(): ApiClient {
  const { accessToken, renew, signIn } = useAuth();
  return useMemo(() => new ApiClient({ accessToken, renew, signIn }), [accessToken, renew, signIn]);
}
