import { GetSignalingChannelEndpointCommand, KinesisVideoClient, type ResourceEndpointListItem } from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand, KinesisVideoSignalingClient } from "@aws-sdk/client-kinesis-video-signaling";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";
import { reconnectDelay, summarize, type LiveFigures, type StatsSample } from "./stats";
import type { ViewerCredentialSource } from "./viewerCredentials";

export type ViewerState = "starting" | "signaling" | "connecting" | "playing" | "reconnecting" | "failed" | "stopped";

export interface ViewerStatus {
  state: ViewerState;
  /** RTCPeerConnection.connectionState of the current attempt. */
  connection: RTCPeerConnectionState | null;
  figures: LiveFigures | null;
  /** From start (or the reconnect that began this attempt) to the first decoded frame shown. */
  timeToFirstFrameMs: number | null;
  attempt: number;
  error: string | null;
}

/** Seconds a connection may stay "disconnected" (ICE may recover by itself) before it is rebuilt. */
const disconnectedGrace = 5_000;
/** An attempt that has not shown a frame by then is given up and retried. */
const attemptTimeout = 30_000;

/**
 * A KVS WebRTC viewer for one camera, built exactly like the reference web client: the AWS SDK's
 * KinesisVideoClient finds the channel's endpoints, KinesisVideoSignalingClient its ICE servers
 * (Vigil's STUN and TURN), and the KVS WebRTC JS SDK's SignalingClient (role VIEWER) carries the
 * offer, the answer and trickled candidates. All of it is signed with the camera's viewer
 * credentials, pointed at the Vigil server this page came from. A failed or stalled connection is
 * rebuilt with growing pauses until stop().
 */
export class KvsViewer {
  private readonly endpoint: string;
  private readonly credentials: ViewerCredentialSource;
  private readonly video: HTMLVideoElement;
  private readonly onStatus: (status: ViewerStatus) => void;
  private status: ViewerStatus = { state: "starting", connection: null, figures: null, timeToFirstFrameMs: null, attempt: 0, error: null };
  private peer: RTCPeerConnection | null = null;
  private signaling: SignalingClient | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private sample: StatsSample | null = null;
  private generation = 0;
  private stopped = false;

  constructor(options: { endpoint: string; credentials: ViewerCredentialSource; video: HTMLVideoElement; onStatus(status: ViewerStatus): void }) {
    this.endpoint = options.endpoint;
    this.credentials = options.credentials;
    this.video = options.video;
    this.onStatus = options.onStatus;
  }

  start(): void {
    this.stopped = false;
    void this.attempt(performance.now());
  }

  /** Drops the current connection and starts a new one at once (the user pressed Reconnect). */
  reconnect(): void {
    if (this.stopped) return;
    this.status.attempt = 0;
    this.teardown();
    void this.attempt(performance.now());
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.teardown();
    this.update({ state: "stopped", connection: null });
  }

  private update(change: Partial<ViewerStatus>): void {
    this.status = { ...this.status, ...change };
    this.onStatus(this.status);
  }

  private async attempt(startedAt: number): Promise<void> {
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    this.update({ state: this.status.error ? "reconnecting" : "starting", attempt: this.status.attempt + 1, timeToFirstFrameMs: null, figures: null, connection: null });
    try {
      const credentials = await this.credentials.get();
      if (!current()) return;
      this.update({ state: "signaling" });
      const kinesisVideo = new KinesisVideoClient({ region: credentials.region, endpoint: this.endpoint, credentials: this.credentials.provider });
      const endpoints = await kinesisVideo.send(
        new GetSignalingChannelEndpointCommand({
          ChannelARN: credentials.channelArn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: "VIEWER" },
        }),
      );
      const byProtocol = new Map((endpoints.ResourceEndpointList ?? []).map((e: ResourceEndpointListItem) => [e.Protocol, e.ResourceEndpoint]));
      const wss = byProtocol.get("WSS");
      const https = byProtocol.get("HTTPS");
      if (!wss || !https) throw new Error("The server gave no signaling endpoint for this camera.");
      const clientId = `web-${crypto.randomUUID()}`;
      const signalingApi = new KinesisVideoSignalingClient({ region: credentials.region, endpoint: https, credentials: this.credentials.provider });
      const ice = await signalingApi.send(new GetIceServerConfigCommand({ ChannelARN: credentials.channelArn, ClientId: clientId }));
      if (!current()) return;
      const iceServers: RTCIceServer[] = (ice.IceServerList ?? []).map((s) => ({ urls: s.Uris ?? [], username: s.Username, credential: s.Password }));

      const peer = new RTCPeerConnection({ iceServers });
      this.peer = peer;
      peer.addTransceiver("video", { direction: "recvonly" });
      peer.addTransceiver("audio", { direction: "recvonly" });
      const signaling = new SignalingClient({
        channelARN: credentials.channelArn,
        channelEndpoint: wss,
        clientId,
        role: Role.VIEWER,
        region: credentials.region,
        credentials: this.credentials,
        systemClockOffset: kinesisVideo.config.systemClockOffset,
      });
      this.signaling = signaling;

      signaling.on("open", async () => {
        if (!current()) return;
        this.update({ state: "connecting" });
        const offer = await peer.createOffer();
        await peer.setLocalDescription(offer);
        if (peer.localDescription) signaling.sendSdpOffer(peer.localDescription);
      });
      signaling.on("sdpAnswer", async (answer: RTCSessionDescriptionInit) => {
        if (current()) await peer.setRemoteDescription(answer);
      });
      signaling.on("iceCandidate", async (candidate: RTCIceCandidateInit) => {
        if (current()) await peer.addIceCandidate(candidate).catch(() => undefined);
      });
      signaling.on("close", () => {
        // The signaling socket may close once media flows (credentials expire, server restarts);
        // only an attempt that has not connected yet depends on it.
        if (current() && this.status.state !== "playing") this.fail("The signaling connection closed before the camera answered.");
      });
      signaling.on("error", (e: unknown) => {
        if (current() && this.status.state !== "playing") this.fail(describe(e, "The signaling connection failed."));
      });
      peer.addEventListener("icecandidate", ({ candidate }) => {
        if (candidate && current()) signaling.sendIceCandidate(candidate);
      });
      peer.addEventListener("connectionstatechange", () => {
        if (!current()) return;
        const state = peer.connectionState;
        this.update({ connection: state });
        if (state === "failed") this.fail("The connection to the camera failed.");
        else if (state === "disconnected") this.later(disconnectedGrace, () => peer.connectionState === "disconnected" && current() && this.fail("The connection to the camera was lost."));
      });
      peer.addEventListener("track", (event) => {
        if (event.track.kind !== "video" || !current()) return;
        this.video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        this.video.play().catch(() => undefined);
        const shown = () => {
          if (!current()) return;
          this.update({ state: "playing", timeToFirstFrameMs: Math.round(performance.now() - startedAt), error: null, attempt: 0 });
        };
        // requestVideoFrameCallback: the moment a frame is composited (Chromium, Safari);
        // elsewhere the first loadeddata, which comes with the first decoded frame.
        const video: HTMLVideoElement = this.video;
        if (typeof video.requestVideoFrameCallback === "function") video.requestVideoFrameCallback(() => shown());
        else video.addEventListener("loadeddata", shown, { once: true });
      });
      this.statsTimer = setInterval(() => void this.readStats(peer, generation), 1000);
      this.later(attemptTimeout, () => current() && this.status.state !== "playing" && this.fail("The camera did not answer in time."));
      signaling.open();
    } catch (e) {
      if (current()) this.fail(describe(e, "Could not start the live view."));
    }
  }

  private async readStats(peer: RTCPeerConnection, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const report = await peer.getStats();
    const entries = [...report.values()] as (Record<string, unknown> & { id: string; type: string })[];
    const { figures, sample } = summarize(entries, this.sample, performance.now());
    this.sample = sample;
    if (generation === this.generation) this.update({ figures });
  }

  private fail(message: string): void {
    // A new generation: callbacks of the failed attempt see they are stale and do nothing.
    const generation = ++this.generation;
    this.teardown();
    const attempt = this.status.attempt;
    this.update({ state: "reconnecting", error: message, connection: null });
    this.later(reconnectDelay(attempt), () => {
      if (generation === this.generation && !this.stopped) void this.attempt(performance.now());
    });
  }

  private later(ms: number, action: () => void): void {
    this.timers.push(setTimeout(action, ms));
  }

  private teardown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.sample = null;
    const signaling = this.signaling;
    this.signaling = null;
    if (signaling) {
      signaling.removeAllListeners();
      // close() emits "close"; with the listeners gone nothing reacts to it.
      signaling.on("error", () => undefined);
      try {
        signaling.close();
      } catch {
        // already closed
      }
    }
    this.peer?.close();
    this.peer = null;
    this.video.srcObject = null;
  }
}

function describe(e: unknown, fallback: string): string {
  if (e instanceof Error && e.message) {
    const name = (e as { name?: string }).name;
    if (name === "AccessDeniedException" || name === "NotAuthorizedException") return "Not allowed to watch this camera.";
    if (name === "ResourceNotFoundException") return "The camera's signaling channel does not exist (yet).";
    return e.message;
  }
  return fallback;
}
