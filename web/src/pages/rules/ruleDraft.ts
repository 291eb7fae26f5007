import { commonLabels } from "../../api/events";
import { ApiError } from "../../api/problem";
import type { Rule, RuleRequest } from "../../api/rules";

/** What the rule form edits: text as typed, turned into a request only on submit (the API judges it). */
export interface RuleDraft {
  name: string;
  cameras: string[];
  labels: string[];
  otherLabels: string;
  minConfidence: string;
  quietFrom: string;
  quietTo: string;
  emailOwner: boolean;
  email: string;
  webhook: string;
  mqtt: boolean;
  enabled: boolean;
}

export const newRuleDraft: RuleDraft = {
  name: "",
  cameras: [],
  labels: ["Person"],
  otherLabels: "",
  minConfidence: "0.5",
  quietFrom: "",
  quietTo: "",
  emailOwner: true,
  email: "",
  webhook: "",
  mqtt: false,
  enabled: true,
};

export function draftOf(rule: Rule): RuleDraft {
  const [quietFrom = "", quietTo = ""] = rule.quietHours ? rule.quietHours.split("-") : [];
  return {
    name: rule.name,
    cameras: rule.cameras,
    labels: rule.labels.filter((l) => commonLabels.includes(l)),
    otherLabels: rule.labels.filter((l) => !commonLabels.includes(l)).join(", "),
    minConfidence: String(rule.minConfidence),
    quietFrom,
    quietTo,
    emailOwner: rule.emailOwner,
    email: rule.email ?? "",
    webhook: rule.webhook ?? "",
    mqtt: rule.mqtt,
    enabled: rule.enabled,
  };
}

/** The request for a draft. Nothing is checked here beyond turning text into numbers: the API's messages are the ones shown. */
export function requestOf(draft: RuleDraft): RuleRequest {
  const others = draft.otherLabels
    .split(",")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const confidence = draft.minConfidence.trim() === "" ? 0.5 : Number(draft.minConfidence.replace(",", "."));
  const quiet = draft.quietFrom || draft.quietTo ? `${draft.quietFrom}-${draft.quietTo}` : null;
  return {
    name: draft.name.trim() || null,
    cameras: draft.cameras,
    labels: [...draft.labels, ...others],
    // Not a number: sent as -1, which the API refuses with its own message at this field.
    minConfidence: Number.isFinite(confidence) ? confidence : -1,
    quietHours: quiet,
    email: draft.email.trim() || null,
    emailOwner: draft.emailOwner,
    webhook: draft.webhook.trim() || null,
    mqtt: draft.mqtt,
    enabled: draft.enabled,
  };
}

/** The names Vigil's rule messages start with (as `vigil rules add` calls the fields) → the request field. */
const ruleMessageFields: Record<string, keyof RuleRequest> = {
  name: "name",
  camera: "cameras",
  label: "labels",
  "min-confidence": "minConfidence",
  "quiet hours": "quietHours",
  email: "email",
  webhook: "webhook",
};

/**
 * Field → message for a refused rule: the problem's own `parameter` when the server names the
 * field, else the field its message starts with ("min-confidence: must be from 0 to 1", the same
 * words `vigil rules add` prints). A message about the rule as a whole has no field.
 */
export function ruleFieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 400) return {};
  if (Object.keys(error.fields).length > 0) return error.fields;
  const detail = error.problem?.detail ?? "";
  const colon = detail.indexOf(": ");
  const field = colon > 0 ? ruleMessageFields[detail.slice(0, colon)] : undefined;
  if (!field) return {};
  const text = detail.slice(colon + 2).trim();
  return { [field]: text.length > 0 ? `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}` : "Invalid value." };
}
