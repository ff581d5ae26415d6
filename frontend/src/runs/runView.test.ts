import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/socket";
import { applyRunViewEvent, currentState, EMPTY_VIEW, type RunView } from "./runView";

const events: LiveEvent[] = [
  { type: "run.state", run: 4, seq: 1, id: 10, at: "2026-11-30T06:00:00Z", state: "STARTING" },
  { type: "run.state", run: 4, seq: 2, id: 11, at: "2026-11-30T06:00:01Z", state: "RUNNING" },
  { type: "node.state", run: 4, seq: 3, id: 12, at: "2026-11-30T06:00:01Z", node: "src", state: "RUNNING" },
  { type: "run.log", run: 4, seq: 4, id: 13, at: "2026-11-30T06:00:01Z", level: "info", message: "reading 3 rows" },
  { type: "node.state", run: 4, seq: 5, id: 14, at: "2026-11-30T06:00:02Z", node: "src", state: "SUCCEEDED", rows_out: 3, duration_ms: 12 },
  { type: "run.state", run: 4, seq: 6, id: 15, at: "2026-11-30T06:00:02Z", state: "SUCCEEDED" },
];

function applyAll(view: RunView, list: LiveEvent[]): RunView {
  return list.reduce(applyRunViewEvent, view);
}

describe("a run's event stream on its page", () => {
  it("builds the timeline, each node's figures and the log", () => {
    const view = applyAll(EMPTY_VIEW, events);
    expect(view.timeline.map((entry) => entry.state)).toEqual(["STARTING", "RUNNING", "SUCCEEDED"]);
    expect(view.nodes.src).toEqual({ state: "SUCCEEDED", rows_out: 3, duration_ms: 12, rows_note: null });
    expect(view.logs.map((line) => line.message)).toEqual(["reading 3 rows"]);
    expect(currentState(view, "WAITING")).toBe("SUCCEEDED");
    expect(currentState(EMPTY_VIEW, "WAITING")).toBe("WAITING");
  });

  it("applies a replay after a reconnect without repeating anything", () => {
    const half = applyAll(EMPTY_VIEW, events.slice(0, 4));
    const view = applyAll(half, events); // the server replays from the start; the page had 4 already
    expect(view).toEqual(applyAll(EMPTY_VIEW, events));
    expect(view.logs).toHaveLength(1);
    expect(view.timeline).toHaveLength(3);
  });
});
