/** What the live view's overlay shows, from the peer connection's getStats(). */
export interface LiveFigures {
  /** Candidate types of the selected pair: local, then remote (host, srflx, prflx, relay). */
  localCandidate: string | null;
  remoteCandidate: string | null;
  width: number | null;
  height: number | null;
  framesPerSecond: number | null;
  bitrateKbps: number | null;
  framesDecoded: number;
  packetsLost: number;
}

/** The counters kept between two getStats() calls, to turn totals into rates. */
export interface StatsSample {
  at: number;
  bytesReceived: number;
  framesDecoded: number;
}

type Stat = Record<string, unknown> & { id: string; type: string };

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/**
 * Summarises one getStats() report (W3C webrtc-stats): the inbound video stream's resolution,
 * frame rate and bitrate (rates from the difference to `previous`), and the candidate types of
 * the selected pair (the transport's selectedCandidatePairId, else the nominated succeeded pair).
 */
export function summarize(report: Iterable<Stat>, previous: StatsSample | null, now: number): { figures: LiveFigures; sample: StatsSample | null } {
  const byId = new Map<string, Stat>();
  for (const s of report) byId.set(s.id, s);
  const all = [...byId.values()];
  const inbound = all.find((s) => s.type === "inbound-rtp" && (s.kind === "video" || s.mediaType === "video"));
  const transport = all.find((s) => s.type === "transport");
  const pairId = str(transport?.selectedCandidatePairId);
  const pair = (pairId ? byId.get(pairId) : undefined) ?? all.find((s) => s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded");
  const local = pair ? byId.get(str(pair.localCandidateId) ?? "") : undefined;
  const remote = pair ? byId.get(str(pair.remoteCandidateId) ?? "") : undefined;

  const bytes = num(inbound?.bytesReceived) ?? 0;
  const frames = num(inbound?.framesDecoded) ?? 0;
  const sample = inbound ? { at: now, bytesReceived: bytes, framesDecoded: frames } : null;
  const seconds = previous && sample ? (sample.at - previous.at) / 1000 : 0;
  const rate = (delta: number) => (seconds > 0 && delta >= 0 ? delta / seconds : null);
  const fpsReported = num(inbound?.framesPerSecond);
  const fpsMeasured = previous && sample ? rate(sample.framesDecoded - previous.framesDecoded) : null;
  const bitrate = previous && sample ? rate((sample.bytesReceived - previous.bytesReceived) * 8) : null;

  return {
    figures: {
      localCandidate: str(local?.candidateType),
      remoteCandidate: str(remote?.candidateType),
      width: num(inbound?.frameWidth),
      height: num(inbound?.frameHeight),
      framesPerSecond: fpsReported ?? (fpsMeasured === null ? null : Math.round(fpsMeasured * 10) / 10),
      bitrateKbps: bitrate === null ? null : Math.round(bitrate / 1000),
      framesDecoded: frames,
      packetsLost: num(inbound?.packetsLost) ?? 0,
    },
    sample,
  };
}

/** "1.8 Mbit/s", "640 kbit/s". */
export function formatBitrate(kbps: number | null): string {
  if (kbps === null) return "–";
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${kbps} kbit/s`;
}

/** The pause before reconnect attempt `attempt` (1, 2, 4 … 30 s, with ±20 % jitter so several views do not retry in step). */
export function reconnectDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}
