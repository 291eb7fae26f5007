/** An RFC 9457 problem document as Vigil's API writes them (docs/identity.md, Hosting/ApiProblems.cs). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** The request parameter or body field a 400 is about (Vigil's invalid-parameter problems). */
  parameter?: string;
  /** ASP.NET Core validation problems: field name → messages. */
  errors?: Record<string, string[]>;
}

/** A refused or failed API call, with a message a person can act on and, when known, the fields it is about. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  /** Seconds to wait before trying again (Retry-After), when the server said. */
  readonly retryAfterSeconds: number | null;
  /** Field name (camelCase, as in the request body) → message. */
  readonly fields: Record<string, string>;

  constructor(status: number, problem: Problem | null, retryAfterSeconds: number | null = null) {
    super(describeProblem(status, problem, retryAfterSeconds));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
    this.fields = fieldErrors(problem);
  }
}

/** The browser could not reach the server at all. */
export class NetworkError extends Error {
  constructor() {
    super("Cannot reach the Vigil server. Check the connection and try again.");
    this.name = "NetworkError";
  }
}

/** The session has ended; the app is on its way to the sign-in page. */
export class SessionEndedError extends Error {
  constructor() {
    super("Your session has ended. Signing in again…");
    this.name = "SessionEndedError";
  }
}

/** The problem document of a response, or null when the body is not one. */
export function parseProblem(contentType: string | null, body: string): Problem | null {
  if (!contentType || !/^application\/(problem\+)?json/i.test(contentType) || body.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Problem) : null;
  } catch {
    return null;
  }
}

/**
 * Retry-After (RFC 9110 §10.2.3): a number of seconds, or an HTTP date. Null when absent or
 * unreadable; never negative.
 */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  // An HTTP-date always has a day and a month name; anything else is not one.
  if (!/^[A-Za-z]{3},/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** "1 minute", "15 minutes", "30 seconds": a wait a person reads at a glance (rounded up). */
export function describeWait(seconds: number): string {
  if (seconds < 60) {
    const s = Math.max(1, Math.ceil(seconds));
    return s === 1 ? "1 second" : `${s} seconds`;
  }
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** The message for a refusal: the server's own words when it gave some, else what the status means. */
export function describeProblem(status: number, problem: Problem | null, retryAfterSeconds: number | null = null): string {
  if (status === 429) {
    return retryAfterSeconds !== null
      ? `Too many attempts. Try again in ${describeWait(retryAfterSeconds)}.`
      : "Too many attempts. Try again later.";
  }
  const said = problem?.detail?.trim() || problem?.title?.trim();
  if (said) return sentence(said);
  switch (status) {
    case 400:
      return "The server did not accept this request.";
    case 401:
      return "Your session has ended. Sign in again.";
    case 403:
      return "You are not allowed to do this.";
    case 404:
      return "Not found. It may have been removed.";
    case 409:
      return "This conflicts with something that already exists.";
    default:
      return status >= 500 ? `The server had a problem (${status}). Try again in a moment.` : `The request failed (${status}).`;
  }
}

/** Field → message, from Vigil's `parameter` problems and from ASP.NET Core validation problems. */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!problem) return fields;
  if (typeof problem.parameter === "string" && problem.parameter !== "") {
    const name = camel(problem.parameter);
    // Vigil writes "name: what is wrong" (the name as the CLI calls it, e.g. "min-confidence");
    // at the field its label is already shown.
    const detail = (problem.detail ?? "").replace(/^[A-Za-z][A-Za-z -]{0,30}: /, "");
    fields[name] = sentence(detail || "Invalid value");
  }
  if (problem.errors && typeof problem.errors === "object") {
    for (const [key, messages] of Object.entries(problem.errors)) {
      const first = Array.isArray(messages) ? messages.find((m) => typeof m === "string" && m !== "") : undefined;
      if (first) fields[camel(key.replace(/^\$\./, ""))] = sentence(first);
    }
  }
  return fields;
}

function camel(name: string): string {
  return name.length > 0 ? name[0]!.toLowerCase() + name.slice(1) : name;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  const first = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
