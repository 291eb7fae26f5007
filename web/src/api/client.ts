import { ApiError, NetworkError, SessionEndedError, parseProblem, parseRetryAfter } from "./problem";

/** How often a GET is tried again after the network failed under it. */
const retriesOfReads = 2;

/** What the API client needs from the sign-in: tokens, renewal, and a way out when the session is over. */
export interface TokenSource {
  accessToken(): Promise<string | null>;
  renew(): Promise<boolean>;
  signIn(returnTo?: string): Promise<void>;
}

/**
 * The one place that talks to Vigil's API: it attaches the access token, renews it once when the
 * API refuses it (401), sends the user to sign in (and back) when the session is over, and turns
 * problem+json answers into {@link ApiError}s with a message a person can read.
 */
export class ApiClient {
  private readonly tokens: TokenSource;

  constructor(tokens: TokenSource) {
    this.tokens = tokens;
  }

  /** A JSON answer (null for 204). */
  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.send(path, init);
    if (response.status === 204) return null as T;
    return (await response.json()) as T;
  }

  /** Sends a JSON body. */
  async sendJson<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>(path, { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, signal: signal ?? null });
  }

  /** A binary answer (pictures, which an <img> could not fetch with a bearer token). */
  async blob(path: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.send(path, { signal: signal ?? null })).blob();
  }

  /** The raw response of a successful call; refusals throw {@link ApiError}. */
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.attempt(path, init);
    if (response.status === 401 && (await this.tokens.renew())) {
      response = await this.attempt(path, init);
    }
    if (response.status === 401) {
      void this.tokens.signIn();
      throw new SessionEndedError();
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      throw new ApiError(response.status, parseProblem(response.headers.get("Content-Type"), body), parseRetryAfter(response.headers.get("Retry-After")));
    }
    return response;
  }

  private async attempt(path: string, init: RequestInit): Promise<Response> {
    const token = await this.tokens.accessToken();
    if (token === null) {
      void this.tokens.signIn();
      throw new SessionEndedError();
    }
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    if (!headers.has("Accept")) headers.set("Accept", "application/json, application/problem+json");
    // A read is tried again after a network failure: a phone moving between Wi-Fi and mobile
    // data (Chromium's ERR_NETWORK_CHANGED) drops requests in flight that would succeed a moment
    // later. Changes are not repeated: the first may have reached the server.
    const read = (init.method ?? "GET").toUpperCase() === "GET";
    for (let failures = 0; ; failures++) {
      try {
        return await fetch(path, { ...init, headers, credentials: "omit", cache: init.cache ?? "default" });
      } catch (e) {
        if (e instanceof DOMException && e.name === "AbortError") throw e;
        if (!read || failures >= retriesOfReads || init.signal?.aborted) throw new NetworkError();
        await new Promise((resolve) => setTimeout(resolve, 500 * (failures + 1)));
      }
    }
  }
}
