import type { ApiClient } from "./client";
import { ApiError } from "./problem";
import { ServerSentEventParser } from "./sse";

export type CameraKind = "live" | "snapshot";

/**
 * A camera as GET /api/cameras lists it (issue 15's shape: id, name, kind, serial, provisioned,
 * online, lastSeen, and for live cameras the signaling channel). Fields a server does not send
 * are null, so the page says "unknown" rather than guessing.
 */
export interface Camera {
  id: string;
  name: string;
  kind: CameraKind;
  serial: string | null;
  provisioned: boolean | null;
  online: boolean | null;
  lastSeen: string | null;
  channelName: string | null;
  channelArn: string | null;
}

/** POST /api/cameras/{id}/viewer-credentials: temporary credentials limited to this camera's channel. */
export interface ViewerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  region: string;
  channelName: string;
  channelArn: string;
}

/** A change of a camera's presence, from GET /api/cameras/status. */
export interface CameraStatus {
  id: string;
  online: boolean;
  lastSeen: string | null;
}

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const flag = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

/** Reads one camera of the API tolerantly: a snapshot camera from a server without `kind` is a snapshot camera. */
export function toCamera(raw: unknown): Camera {
  const r = (raw ?? {}) as Record<string, unknown>;
  const kind = r.kind === "live" ? "live" : "snapshot";
  return {
    id: String(r.id ?? ""),
    name: text(r.name) ?? "(unnamed)",
    kind,
    serial: text(r.serial) ?? text(r.serialNumber),
    provisioned: flag(r.provisioned),
    online: flag(r.online),
    lastSeen: text(r.lastSeen),
    channelName: text(r.channelName),
    channelArn: text(r.channelArn),
  };
}

/** One status event's data, or null when it is not about a camera (heartbeats, unknown events). */
export function toCameraStatus(data: string): CameraStatus | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const r = (value ?? {}) as Record<string, unknown>;
  const id = text(r.id) ?? text(r.cameraId);
  const online = flag(r.online) ?? (r.status === "online" ? true : r.status === "offline" ? false : null);
  return id !== null && online !== null ? { id, online, lastSeen: text(r.lastSeen) } : null;
}

export async function listCameras(api: ApiClient, signal?: AbortSignal): Promise<Camera[]> {
  const raw = await api.json<unknown[]>("/api/cameras", { signal: signal ?? null });
  return (Array.isArray(raw) ? raw : []).map(toCamera);
}

export async function getCamera(api: ApiClient, id: string, signal?: AbortSignal): Promise<Camera> {
  try {
    return toCamera(await api.json<unknown>(`/api/cameras/${encodeURIComponent(id)}`, { signal: signal ?? null }));
  } catch (e) {
    // A server without GET /api/cameras/{id} (before the camera API of issue 15): find it in the list.
    if (!(e instanceof ApiError) || e.status !== 405) throw e;
    const found = (await listCameras(api, signal)).find((c) => c.id === id);
    if (!found) throw new ApiError(404, null);
    return found;
  }
}

export async function bindCamera(api: ApiClient, serialNumber: string, secret: string): Promise<Camera> {
  return toCamera(await api.sendJson<unknown>("POST", "/api/cameras/bind", { serialNumber, secret }));
}

export async function renameCamera(api: ApiClient, id: string, name: string): Promise<Camera> {
  return toCamera(await api.sendJson<unknown>("PATCH", `/api/cameras/${encodeURIComponent(id)}`, { name }));
}

export async function removeCamera(api: ApiClient, id: string): Promise<void> {
  await api.send(`/api/cameras/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function viewerCredentials(api: ApiClient, id: string, signal?: AbortSignal): Promise<ViewerCredentials> {
  return api.json<ViewerCredentials>(`/api/cameras/${encodeURIComponent(id)}/viewer-credentials`, { method: "POST", signal: signal ?? null });
}

/**
 * Follows GET /api/cameras/status (server-sent events) until `signal` aborts, calling `onStatus`
 * for each change. The stream ends when its access token expires; it is opened again with a
 * fresh token after a short pause (longer after failures, at most 30 s).
 */
export async function followCameraStatus(api: ApiClient, onStatus: (status: CameraStatus) => void, onConnected: (connected: boolean) => void, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const response = await api.send("/api/cameras/status", { headers: { Accept: "text/event-stream" }, signal, cache: "no-store" });
      if (!response.body) throw new Error("no stream");
      onConnected(true);
      failures = 0;
      const parser = new ServerSentEventParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) {
          const status = toCameraStatus(event.data);
          if (status) onStatus(status);
        }
      }
    } catch (e) {
      if (signal.aborted || (e instanceof Error && e.name === "SessionEndedError")) return;
      // A server without the status stream (404/405): nothing to follow; the list stays as loaded.
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return;
      failures++;
    }
    onConnected(false);
    await pause(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
