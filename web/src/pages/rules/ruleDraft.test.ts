import { describe, expect, it } from "vitest";
import { draftOf, newRuleDraft, requestOf } from "./ruleDraft";

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
