import { commonLabels } from "../../api/events";
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
