import type { ApiClient } from "../../api/client";
import { viewerCredentials, type ViewerCredentials } from "../../api/cameras";

/** Renew this long before the credentials expire (or at 80 % of their life, if that is sooner). */
const renewAhead = 2 * 60 * 1000;

/** When to renew credentials that expire at `expiresAt`, issued at `issuedAt` (ms since the epoch). */
export function renewalTime(issuedAt: number, expiresAt: number): number {
  const life = Math.max(0, expiresAt - issuedAt);
  return Math.max(issuedAt, Math.min(expiresAt - renewAhead, issuedAt + life * 0.8));
}

/**
 * The per-camera viewer credentials (POST /api/cameras/{id}/viewer-credentials), limited to this
 * camera's channel. It is at once the KVS SignalingClient's credentials object (its getPromise is
 * awaited before every signing) and an AWS SDK v3 credentials provider; both get fresh credentials
 * once the current ones are due for renewal, so a long-running view never signs with expired keys.
 */
export class ViewerCredentialSource {
  accessKeyId = "";
  secretAccessKey = "";
  sessionToken = "";
  private current: ViewerCredentials | null = null;
  private renewAt = 0;
  private pending: Promise<ViewerCredentials> | null = null;
  private readonly api: ApiClient;
  private readonly cameraId: string;

  constructor(api: ApiClient, cameraId: string) {
    this.api = api;
    this.cameraId = cameraId;
  }

  /** Current credentials, fetching new ones when there are none or they are due. */
  async get(): Promise<ViewerCredentials> {
    if (this.current && Date.now() < this.renewAt) return this.current;
    this.pending ??= viewerCredentials(this.api, this.cameraId)
      .then((fresh) => {
        const issuedAt = Date.now();
        const expiresAt = Date.parse(fresh.expiration);
        this.current = fresh;
        this.renewAt = Number.isNaN(expiresAt) ? issuedAt + 60_000 : renewalTime(issuedAt, expiresAt);
        this.accessKeyId = fresh.accessKeyId;
        this.secretAccessKey = fresh.secretAccessKey;
        this.sessionToken = fresh.sessionToken;
        return fresh;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** For the KVS SignalingClient (amazon-kinesis-video-streams-webrtc's Credentials.getPromise). */
  getPromise = async (): Promise<void> => {
    await this.get();
  };

  /** For the AWS SDK v3 clients. */
  provider = async () => {
    const c = await this.get();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(this.renewAt) };
  };
}
