/** One server-sent event (HTML Living Standard §9.2.6). */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Turns the text of an event stream into events, chunk by chunk (a chunk may end anywhere, even
 * inside a line or between CR and LF). EventSource cannot send an Authorization header, so the
 * camera status stream is read with fetch and parsed here.
 */
export class ServerSentEventParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private lastId: string | null = null;
  private pendingCr = false;

  /** Feeds decoded text; returns the events it completed. */
  push(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let text = chunk;
    if (this.pendingCr) {
      // A CR ended the previous chunk: an LF right after it belongs to the same line break.
      if (text.startsWith("\n")) text = text.slice(1);
      this.pendingCr = false;
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      const line = this.buffer.slice(start, i);
      if (c === "\r") {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer[i + 1] === "\n") i++;
      }
      start = i + 1;
      const completed = this.line(line);
      if (completed) events.push(completed);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): ServerSentEvent | null {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return null;
      }
      const completed = { event: this.event || "message", data: this.data.join("\n"), id: this.lastId };
      this.data = [];
      this.event = "";
      return completed;
    }
    if (line.startsWith(":")) return null; // a comment: heartbeats
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        break;
      case "event":
        this.event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      default:
        break; // "retry" and unknown fields: the reader reconnects on its own schedule
    }
    return null;
  }
}
