import { describe, expect, it } from "vitest";
import { ServerSentEventParser } from "./sse";

describe("ServerSentEventParser", () => {
  it("parses events with names, ids and multi-line data", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push('event: status\nid: 7\ndata: {"id":"a",\ndata: "online":true}\n\n')).toEqual([{ event: "status", data: '{"id":"a",\n"online":true}', id: "7" }]);
  });
  it("keeps state across chunks split anywhere, including between CR and LF", () => {
    const text = "data: one\r\n\r\ndata: two\r\n\r\n";
    for (let split = 0; split <= text.length; split++) {
      const parser = new ServerSentEventParser();
      const events = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      expect(events.map((e) => e.data)).toEqual(["one", "two"]);
    }
  });
  it("ignores comments (heartbeats), unknown fields and empty events", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push(": heartbeat\n\nretry: 1000\nfoo: bar\n\nevent: x\n\n")).toEqual([]);
    expect(parser.push("data\n\n")).toEqual([{ event: "message", data: "", id: null }]);
  });
  it("does not emit an event that has not ended", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push("data: partial\n")).toEqual([]);
    expect(parser.push("\n")).toEqual([{ event: "message", data: "partial", id: null }]);
  });
  it("survives random input without throwing", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = "data:event:id: \r\n\0{}x";
    const parser = new ServerSentEventParser();
    for (let i = 0; i < 2000; i++) {
      let chunk = "";
      for (let j = 0; j < 20; j++) chunk += alphabet[Math.floor(random() * alphabet.length)];
      for (const e of parser.push(chunk)) expect(typeof e.data).toBe("string");
    }
  });
});
