import { describe, expect, it } from "vitest";
import { toCamera, toCameraStatus } from "./cameras";

describe("toCamera", () => {
  it("reads issue 15's camera shape", () => {
    expect(toCamera({ id: "c1", name: "Door", kind: "live", serial: "SN1", provisioned: true, online: false, lastSeen: "2026-12-07T10:00:00Z", channelName: "ch", channelArn: "arn:x" })).toEqual({
      id: "c1", name: "Door", kind: "live", serial: "SN1", provisioned: true, online: false, lastSeen: "2026-12-07T10:00:00Z", channelName: "ch", channelArn: "arn:x",
    });
  });
  it("treats a camera without kind as a snapshot camera with unknown presence", () => {
    expect(toCamera({ id: "s1", name: "Gate", createdAt: "2026-01-01T00:00:00Z", smtpUsername: "u" })).toMatchObject({ kind: "snapshot", online: null, provisioned: null, serial: null });
  });
});

describe("toCameraStatus", () => {
  it("reads online/offline changes", () => {
    expect(toCameraStatus('{"id":"c1","online":true,"lastSeen":"2026-12-07T10:00:00Z"}')).toEqual({ id: "c1", online: true, lastSeen: "2026-12-07T10:00:00Z" });
    expect(toCameraStatus('{"cameraId":"c1","status":"offline"}')).toEqual({ id: "c1", online: false, lastSeen: null });
  });
  it("ignores what is not a camera's status", () => {
    expect(toCameraStatus("not json")).toBeNull();
    expect(toCameraStatus('{"heartbeat":true}')).toBeNull();
    expect(toCameraStatus("null")).toBeNull();
  });
});
