import { describe, expect, it } from "vitest";
import { applyRunEvent, statesFromRun } from "../editor/hooks";
import type { LiveEvent } from "../live/socket";
import { applyNodeEvent, describeRows, rowsCell, type NodeLive } from "./nodeLive";
import { applyRunViewEvent, EMPTY_VIEW } from "./runView";

let seq = 0;
function event(fields: Partial<LiveEvent> & { type: string }): LiveEvent {
  seq += 1;
  return { id: seq, seq, at: "2026-12-03T06:00:00Z", run: 4, ...fields };
}

/** A source that runs with growing rows, then an aggregate after it, as a run reports them. */
function stream(): LiveEvent[] {
  seq = 0;
  return [
    event({ type: "run.state", state: "RUNNING", nodes: 2 }),
    event({ type: "node.state", node: "src", state: "RUNNING", rows_out: 100 }),
    event({ type: "node.state", node: "agg", state: "RUNNING", rows_out: 0 }),
    event({ type: "node.progress", node: "src", state: "RUNNING", rows_out: 5000 }),
    event({ type: "node.progress", node: "src", state: "RUNNING", rows_out: 90000 }),
    event({ type: "node.state", node: "src", state: "SUCCEEDED", rows_out: 100000, duration_ms: 1500 }),
    event({ type: "node.state", node: "agg", state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: "not counted: inside a join pipeline" }),
  ];
}

function nodesAfter(count: number): Readonly<Record<string, NodeLive>> {
  return stream().slice(0, count).reduce(applyRunViewEvent, EMPTY_VIEW).nodes;
}

describe("a node's live figures on the run page", () => {
  it("is absent (WAITING) until its first event, then RUNNING with rows that grow", () => {
    expect(nodesAfter(1)).toEqual({});
    expect(nodesAfter(2).src).toMatchObject({ state: "RUNNING", rows_out: 100 });
    expect(nodesAfter(2).agg).toBeUndefined();
    expect(nodesAfter(4).src).toMatchObject({ state: "RUNNING", rows_out: 5000 });
    expect(nodesAfter(5).src).toMatchObject({ state: "RUNNING", rows_out: 90000, duration_ms: null });
  });

  it("takes the final figures from node.state and keeps the reason rows were not counted", () => {
    const nodes = nodesAfter(7);
    expect(nodes.src).toEqual({ state: "SUCCEEDED", rows_out: 100000, duration_ms: 1500, rows_note: null });
    expect(nodes.agg).toEqual({ state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: "not counted: inside a join pipeline" });
  });

  it("never lets a late progress event move an ended node or change its rows", () => {
    const done: NodeLive = { state: "SUCCEEDED", rows_out: 7, duration_ms: 3, rows_note: null };
    expect(applyNodeEvent(done, event({ type: "node.progress", node: "x", state: "RUNNING", rows_out: 5 }))).toEqual(done);
    const stopped: NodeLive = { state: "STOPPED", rows_out: null, duration_ms: 10 };
    expect(applyNodeEvent(stopped, event({ type: "node.progress", node: "x", state: "RUNNING", rows_out: 5 })).state).toBe("STOPPED");
  });

  it("writes rows as a count, a count so far while running, or why there is none", () => {
    const format = (n: number) => n.toLocaleString("en-US");
    expect(describeRows({ state: "RUNNING", rows_out: 1200, rows_note: null }, format)).toBe("1,200 rows so far");
    expect(describeRows({ state: "SUCCEEDED", rows_out: 1200, rows_note: null }, format)).toBe("1,200 rows");
    expect(describeRows({ state: "SUCCEEDED", rows_out: null, rows_note: "not counted: inside a join pipeline" }, format)).toBe("rows not counted");
    expect(describeRows({ state: "WAITING", rows_out: null }, format)).toBe("— rows");
  });

  it("fills a Rows out cell with the count, or the run's reason instead of a bare dash", () => {
    const format = (n: number) => n.toLocaleString("en-US");
    expect(rowsCell({ rows_out: 1200, rows_note: null }, format)).toBe("1,200");
    expect(rowsCell({ rows_out: null, rows_note: "not counted: inside a join pipeline" }, format)).toBe("not counted: inside a join pipeline");
    expect(rowsCell({ rows_out: null, rows_note: null }, format)).toBe("—");
  });
});

describe("a node's live figures in the editor", () => {
  it("follows node.progress events too", () => {
    const states = stream().reduce(applyRunEvent, new Map());
    expect(states.get("src")).toEqual({ state: "SUCCEEDED", rows_out: 100000, duration_ms: 1500, error: null });
    const running = stream().slice(0, 5).reduce(applyRunEvent, new Map());
    expect(running.get("src")).toEqual({ state: "RUNNING", rows_out: 90000, duration_ms: null, error: null });
  });

  it("keeps the reason a node's rows were not counted, live and from the stored run", () => {
    const note = "not counted: inside a join pipeline";
    expect(stream().reduce(applyRunEvent, new Map()).get("agg")).toEqual({ state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: note, error: null });
    const stored = statesFromRun({
      id: 4,
      job: 7,
      job_version: 1,
      state: "SUCCEEDED",
      created_at: "2026-12-03T06:00:00Z",
      started_at: null,
      completed_at: null,
      error: null,
      nodes: [{ node: "agg", type: "aggregate", state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: note, error: null }],
    });
    expect(stored.get("agg")?.rows_note).toBe(note);
  });
});
