import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import { draftOf, newRuleDraft, requestOf, ruleFieldErrors } from "./ruleDraft";

describe("rule drafts", () => {
  it("turn into the API's request", () => {
    expect(requestOf({ ...newRuleDraft, name: " Door ", otherLabels: "Horse, , Sheep", quietFrom: "22:00", quietTo: "07:00", minConfidence: "0,7" })).toEqual({
      name: "Door", cameras: [], labels: ["Person", "Horse", "Sheep"], minConfidence: 0.7, quietHours: "22:00-07:00", email: null, emailOwner: true, webhook: null, mqtt: false, enabled: true,
    });
  });
  it("leave judging to the API: half a quiet period and a non-number are sent as they are", () => {
    const request = requestOf({ ...newRuleDraft, quietFrom: "22:00", minConfidence: "lots" });
    expect(request.quietHours).toBe("22:00-");
    expect(request.minConfidence).toBe(-1);
    expect(requestOf({ ...newRuleDraft, minConfidence: "" }).minConfidence).toBe(0.5);
  });
  it("round-trip a stored rule", () => {
    const rule = { id: "r", name: "Cars", cameras: ["c1"], labels: ["Car", "Horse"], minConfidence: 0.6, quietHours: "23:00-06:00", email: "a@b.c", emailOwner: false, webhook: null, mqtt: true, enabled: false, createdAt: "" };
    expect(requestOf(draftOf(rule))).toEqual({ name: "Cars", cameras: ["c1"], labels: ["Car", "Horse"], minConfidence: 0.6, quietHours: "23:00-06:00", email: "a@b.c", emailOwner: false, webhook: null, mqtt: true, enabled: false });
  });
});

describe("ruleFieldErrors", () => {
  const refused = (detail: string, extra: Record<string, unknown> = {}) => new ApiError(400, { title: "Invalid request", detail, ...extra });
  it("puts a message at the field it starts with", () => {
    expect(ruleFieldErrors(refused("min-confidence: must be from 0 to 1"))).toEqual({ minConfidence: "Must be from 0 to 1." });
    expect(ruleFieldErrors(refused("label: 'Unicorn' is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle)"))).toEqual({
      labels: "'Unicorn' is not a label the detector knows (e.g. Person, Car, Dog, Cat, Bicycle).",
    });
    expect(ruleFieldErrors(refused("quiet hours: '25:00-07:00' is not HH:mm-HH:mm (e.g. 22:00-07:00)"))).toHaveProperty("quietHours");
    expect(ruleFieldErrors(refused("camera: the owner has no snapshot camera 0b7a"))).toHaveProperty("cameras");
  });
  it("prefers the server's own parameter", () => {
    expect(ruleFieldErrors(refused("min-confidence: must be from 0 to 1", { parameter: "minConfidence" }))).toEqual({ minConfidence: "Must be from 0 to 1." });
  });
  it("leaves messages about the whole rule, and other failures, without a field", () => {
    expect(ruleFieldErrors(refused("a rule needs an action: e-mail to the owner or to an address, a webhook URL, MQTT, or several"))).toEqual({});
    expect(ruleFieldErrors(new ApiError(500, { detail: "label: x" }))).toEqual({});
    expect(ruleFieldErrors(new Error("offline"))).toEqual({});
    expect(ruleFieldErrors(null)).toEqual({});
  });
});
