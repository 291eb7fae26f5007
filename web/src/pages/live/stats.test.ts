import { describe, expect, it } from "vitest";
import { formatBitrate, reconnectDelay, summarize } from "./stats";
import { renewalTime } from "./viewerCredentials";

const report = (bytes: number, frames: number, extra: Record<string, unknown> = {}) => [
  { id: "T1", type: "transport", selectedCandidatePairId: "P1" },
  { id: "P1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded", nominated: true },
  { id: "L1", type: "local-candidate", candidateType: "relay" },
  { id: "R1", type: "remote-candidate", candidateType: "host" },
  { id: "I1", type: "inbound-rtp", kind: "video", bytesReceived: bytes, framesDecoded: frames, frameWidth: 1280, frameHeight: 720, packetsLost: 3, ...extra },
];

describe("summarize", () => {
  it("reads resolution, candidate types and counters", () => {
    const { figures, sample } = summarize(report(1000, 10), null, 0);
    expect(figures).toMatchObject({ localCandidate: "relay", remoteCandidate: "host", width: 1280, height: 720, framesDecoded: 10, packetsLost: 3, bitrateKbps: null, framesPerSecond: null });
    expect(sample).toEqual({ at: 0, bytesReceived: 1000, framesDecoded: 10 });
  });
  it("turns totals into rates between two reports", () => {
    const first = summarize(report(0, 0), null, 1000).sample;
    const { figures } = summarize(report(250_000, 30), first, 2000);
    expect(figures.bitrateKbps).toBe(2000);
    expect(figures.framesPerSecond).toBe(30);
  });
  it("prefers the browser's own frame rate", () => {
    expect(summarize(report(0, 0, { framesPerSecond: 25 }), null, 0).figures.framesPerSecond).toBe(25);
  });
  it("finds the nominated pair without a transport, and copes with no video yet", () => {
    const withoutTransport = report(0, 0).filter((s) => s.type !== "transport");
    expect(summarize(withoutTransport, null, 0).figures.localCandidate).toBe("relay");
    const { figures, sample } = summarize([], null, 0);
    expect(figures).toMatchObject({ localCandidate: null, width: null, framesDecoded: 0 });
    expect(sample).toBeNull();
  });
});

describe("formatBitrate", () => {
  it("picks the unit", () => {
    expect(formatBitrate(null)).toBe("–");
    expect(formatBitrate(640)).toBe("640 kbit/s");
    expect(formatBitrate(1840)).toBe("1.8 Mbit/s");
  });
});

describe("reconnectDelay", () => {
  it("grows to 30 s with jitter", () => {
    expect(reconnectDelay(1, 0.5)).toBe(1000);
    expect(reconnectDelay(3, 0.5)).toBe(4000);
    expect(reconnectDelay(20, 0.5)).toBe(30000);
    expect(reconnectDelay(1, 0)).toBe(800);
    expect(reconnectDelay(1, 1)).toBe(1200);
  });
});

describe("renewalTime", () => {
  it("renews at 80 % of the life, at the latest two minutes before expiry", () => {
    expect(renewalTime(0, 15 * 60_000)).toBe(12 * 60_000);
    expect(renewalTime(0, 60 * 60_000)).toBe(48 * 60_000);
    expect(renewalTime(0, 5 * 60_000)).toBe(3 * 60_000);
  });
  it("renews at once what is about to expire", () => {
    expect(renewalTime(1000, 61_000)).toBe(1000);
  });
});
