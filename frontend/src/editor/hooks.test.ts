import { describe, expect, it } from "vitest";
import { applyRunEvent } from "./hooks";
import type { LiveEvent } from "../live/socket";

function event(fields: Partial<LiveEvent> & { type: string }): LiveEvent {
  return { id: 1, seq: 1, at: "2026-11-30T00:00:00Z", run: 4, ...fields };
}

describe("a run's node states from its live events", () => {
  it("follows a node from running to succeeded with rows and duration", () => {
    let states = applyRunEvent(new Map(), event({ type: "node.state", node: "f", state: "RUNNING" }));
    expect(states.get("f")).toEqual({ state: "RUNNING", rows_out: null, duration_ms: null, error: null });
    states = applyRunEvent(states, event({ type: "node.state", node: "f", state: "SUCCEEDED", rows_out: 1200, duration_ms: 35 }));
    expect(states.get("f")).toEqual({ state: "SUCCEEDED", rows_out: 1200, duration_ms: 35, error: null });
  });

  it("keeps a failed node's error message", () => {
    const states = applyRunEvent(new Map(), event({ type: "node.state", node: "w", state: "FAILED", error: { message: "disk full" } }));
    expect(states.get("w")?.error).toBe("disk full");
  });

  it("ignores events that are not about a node", () => {
    const before = new Map();
    expect(applyRunEvent(before, event({ type: "run.log", message: "hi" }))).toBe(before);
  });
});
