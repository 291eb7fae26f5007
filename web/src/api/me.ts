import type { ApiClient } from "./client";

/** GET /api/me. */
export interface Me {
  id: string;
  email: string;
  roles: string[];
  mfaEnabled: boolean;
}

export const getMe = (api: ApiClient, signal?: AbortSignal) => api.json<Me>("/api/me", { signal: signal ?? null });
