import type { ApiClient } from "./client";

/** A rule as /api/rules shows it (Features/Notifications/RuleView.cs). */
export interface Rule {
  id: string;
  name: string;
  cameras: string[];
  labels: string[];
  minConfidence: number;
  quietHours: string | null;
  email: string | null;
  emailOwner: boolean;
  webhook: string | null;
  mqtt: boolean;
  enabled: boolean;
  createdAt: string;
  /** Only in the answer that issued it. */
  webhookSecret?: string | null;
}

/** The body of POST /api/rules and PUT /api/rules/{id} (a PUT replaces the whole rule). */
export interface RuleRequest {
  name: string | null;
  cameras: string[];
  labels: string[];
  minConfidence: number;
  quietHours: string | null;
  email: string | null;
  emailOwner: boolean;
  webhook: string | null;
  mqtt: boolean;
  enabled: boolean;
}

export const listRules = (api: ApiClient, signal?: AbortSignal) => api.json<Rule[]>("/api/rules", { signal: signal ?? null });
export const getRule = (api: ApiClient, id: string, signal?: AbortSignal) => api.json<Rule>(`/api/rules/${encodeURIComponent(id)}`, { signal: signal ?? null });
export const createRule = (api: ApiClient, rule: RuleRequest) => api.sendJson<Rule>("POST", "/api/rules", rule);
export const updateRule = (api: ApiClient, id: string, rule: RuleRequest) => api.sendJson<Rule>("PUT", `/api/rules/${encodeURIComponent(id)}`, rule);
export async function deleteRule(api: ApiClient, id: string): Promise<void> {
  await api.send(`/api/rules/${encodeURIComponent(id)}`, { method: "DELETE" });
}
