import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./oidc";

describe("safeReturnPath", () => {
  it("keeps paths inside the app", () => {
    expect(safeReturnPath("/events?label=Person")).toBe("/events?label=Person");
  });
  it("refuses other sites and odd values", () => {
    for (const bad of ["//evil.example/", "/\\evil.example", "https://evil.example/", "events", "", null, 42, "/auth/callback?code=x"]) {
      expect(safeReturnPath(bad)).toBe("/");
    }
  });
});
