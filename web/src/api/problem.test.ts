import { describe, expect, it } from "vitest";
import { ApiError, describeProblem, describeWait, fieldErrors, parseProblem, parseRetryAfter } from "./problem";

describe("parseProblem", () => {
  it("reads a problem+json body", () => {
    expect(parseProblem("application/problem+json; charset=utf-8", '{"title":"Invalid parameter","status":400,"detail":"limit: must be a whole number"}')).toEqual({
      title: "Invalid parameter",
      status: 400,
      detail: "limit: must be a whole number",
    });
  });
  it("ignores bodies that are not JSON objects", () => {
    expect(parseProblem("text/html", "<html>")).toBeNull();
    expect(parseProblem("application/json", "[1,2]")).toBeNull();
    expect(parseProblem("application/problem+json", "{truncated")).toBeNull();
    expect(parseProblem("application/json", "")).toBeNull();
    expect(parseProblem(null, "{}")).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Mon, 07 Dec 2026 10:15:00 GMT", now)).toBe(900);
  });
  it("never goes negative and rejects nonsense", () => {
    expect(parseRetryAfter("Mon, 07 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("describeWait", () => {
  it("rounds up to what a person reads", () => {
    expect(describeWait(0)).toBe("1 second");
    expect(describeWait(30)).toBe("30 seconds");
    expect(describeWait(60)).toBe("1 minute");
    expect(describeWait(61)).toBe("2 minutes");
    expect(describeWait(900)).toBe("15 minutes");
  });
});

describe("describeProblem", () => {
  it("says how long to wait after too many attempts", () => {
    expect(describeProblem(429, { detail: "rate limited" }, 840)).toBe("Too many attempts. Try again in 14 minutes.");
    expect(describeProblem(429, null, null)).toBe("Too many attempts. Try again later.");
  });
  it("prefers the server's words, as a sentence", () => {
    expect(describeProblem(400, { title: "Invalid request", detail: "a rule needs an action" })).toBe("A rule needs an action.");
    expect(describeProblem(409, { title: "Conflict" })).toBe("Conflict.");
  });
  it("explains bare statuses", () => {
    expect(describeProblem(404, null)).toMatch(/^Not found/);
    expect(describeProblem(503, null)).toBe("The server had a problem (503). Try again in a moment.");
  });
});

describe("fieldErrors", () => {
  it("puts a parameter problem at its field without the name prefix", () => {
    expect(fieldErrors({ parameter: "minConfidence", detail: "min-confidence: must be from 0 to 1" })).toEqual({ minConfidence: "Must be from 0 to 1." });
    expect(fieldErrors({ parameter: "labels", detail: "label: 'Unicorn' is not a label the detector knows" })).toEqual({ labels: "'Unicorn' is not a label the detector knows." });
    expect(fieldErrors({ parameter: "Name", detail: "" })).toEqual({ name: "Invalid value." });
  });
  it("reads ASP.NET Core validation problems", () => {
    expect(fieldErrors({ errors: { SerialNumber: ["The serial number is required."], "$.secret": ["too long"] } })).toEqual({
      serialNumber: "The serial number is required.",
      secret: "Too long.",
    });
  });
  it("is empty without a problem", () => {
    expect(fieldErrors(null)).toEqual({});
    expect(new ApiError(500, null).fields).toEqual({});
  });
});
