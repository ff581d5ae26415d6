import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/socket";
import { toRun } from "./api";
import { applyRunEvent, initialRuns, matchesFilters, mergeRuns, type RunsState } from "./liveRuns";
import { tilesOf } from "./stats";
import { apiRun } from "./testData";

function stateEvent(run: number, seq: number, id: number, state: string, extra: Partial<LiveEvent> = {}): LiveEvent {
  return { type: "run.state", run, seq, id, at: "2026-11-30T06:00:00+00:00", state, job: 7, attempt: 0, trigger: "user", ...extra };
}

function states(state: RunsState): Record<number, string> {
  return Object.fromEntries(state.runs.map((run) => [run.id, run.state]));
}

describe("applying dashboard events to loaded runs", () => {
  const loaded = () =>
    initialRuns([
      toRun(apiRun({ id: 1, state: "SUCCEEDED" })),
      toRun(apiRun({ id: 2, state: "RUNNING", completed_at: null, execution_seconds: null })),
    ]);

  it("moves a listed run to the event's state and asks for its final record when it ends", () => {
    const next = applyRunEvent(loaded(), stateEvent(2, 5, 100, "SUCCEEDED"));
    expect(states(next)).toEqual({ 1: "SUCCEEDED", 2: "SUCCEEDED" });
    expect(next.pending).toEqual([2]);
    const run = next.runs.find((one) => one.id === 2);
    expect(run?.completed_at).toBe("2026-11-30T06:00:00+00:00");
    expect(tilesOf(next.runs).byState.SUCCEEDED).toBe(2);
    expect(tilesOf(next.runs).runningNow).toBe(0);
  });

  it("adds a run it has not seen, newest first, with the job's name", () => {
    const next = applyRunEvent(loaded(), stateEvent(3, 1, 101, "STARTING"), {}, new Map([[7, "orders"]]));
    expect(next.runs.map((run) => run.id)).toEqual([3, 2, 1]);
    expect(next.runs[0]).toMatchObject({ state: "STARTING", job_name: "orders", started_at: "2026-11-30T06:00:00+00:00" });
    expect(next.pending).toEqual([3]);
  });

  it("leaves out a new run that the filters exclude", () => {
    const next = applyRunEvent(loaded(), stateEvent(3, 1, 101, "STARTING"), { state: "FAILED" });
    expect(next.runs.map((run) => run.id)).toEqual([2, 1]);
    const otherJob = applyRunEvent(loaded(), stateEvent(4, 1, 102, "WAITING", { job: 9 }), { job: "7" });
    expect(otherJob.runs.map((run) => run.id)).toEqual([2, 1]);
  });

  it("applies a replayed event only once", () => {
    const events = [stateEvent(3, 1, 101, "STARTING"), stateEvent(3, 2, 102, "RUNNING"), stateEvent(3, 3, 103, "FAILED")];
    let state = loaded();
    for (const event of events) state = applyRunEvent(state, event);
    const after = state;
    // A reconnect replays what the client already had, then a duplicate of the last.
    for (const event of [...events, events[2] as LiveEvent]) state = applyRunEvent(state, event);
    expect(state.runs).toEqual(after.runs);
    expect(state.runs.filter((run) => run.id === 3)).toHaveLength(1);
    expect(tilesOf(state.runs).byState.FAILED).toBe(1);
  });

  it("ignores an older event of a run that arrives after a newer one", () => {
    let state = applyRunEvent(loaded(), stateEvent(2, 6, 110, "STOPPING"));
    state = applyRunEvent(state, stateEvent(2, 4, 105, "RUNNING"));
    expect(states(state)[2]).toBe("STOPPING");
  });

  it("never moves a run that has ended", () => {
    const state = applyRunEvent(loaded(), stateEvent(1, 9, 120, "RUNNING"));
    expect(states(state)[1]).toBe("SUCCEEDED");
  });

  it("ignores events that are not run state changes", () => {
    const base = loaded();
    const node: LiveEvent = { type: "node.state", run: 2, seq: 7, id: 130, at: "x", node: "a", state: "SUCCEEDED" };
    expect(applyRunEvent(base, node)).toBe(base);
    const pong: LiveEvent = { type: "diagnostic.pong", diagnostic: 5, seq: 1, id: 131, at: "x" };
    expect(applyRunEvent(base, pong)).toBe(base);
  });

  it("merges a fetched record without undoing an end the events already told", () => {
    const ended = applyRunEvent(loaded(), stateEvent(2, 5, 100, "STOPPED"));
    const stale = toRun(apiRun({ id: 2, state: "STOPPING", rows_out: null }));
    const merged = mergeRuns(ended, [stale]);
    expect(states(merged)[2]).toBe("STOPPED");
    expect(merged.pending).toEqual([]);
    const fresh = mergeRuns(ended, [toRun(apiRun({ id: 2, state: "STOPPED", rows_out: 0, execution_seconds: 4 }))]);
    expect(fresh.runs.find((run) => run.id === 2)).toMatchObject({ state: "STOPPED", rows_out: 0, execution_seconds: 4 });
  });
});

describe("the client-side filter", () => {
  const run = toRun(apiRun({ id: 5, state: "FAILED", trigger: "schedule", created_at: "2026-11-29T12:00:00Z" }));

  it("matches job, state (one or several), trigger and the date range like the server", () => {
    expect(matchesFilters(run, {})).toBe(true);
    expect(matchesFilters(run, { job: "7", state: "FAILED", trigger: "schedule" })).toBe(true);
    expect(matchesFilters(run, { state: "SUCCEEDED,FAILED" })).toBe(true);
    expect(matchesFilters(run, { state: "SUCCEEDED" })).toBe(false);
    expect(matchesFilters(run, { trigger: "user" })).toBe(false);
    expect(matchesFilters(run, { since: "2026-11-29T12:00:00Z" })).toBe(true);
    expect(matchesFilters(run, { since: "2026-11-29T12:00:01Z" })).toBe(false);
    expect(matchesFilters(run, { until: "2026-11-29T12:00:00Z" })).toBe(false);
  });
});

describe("merging a reload that was read before the latest events", () => {
  it("keeps runs the events added and never moves a run back", () => {
    let state = initialRuns([toRun(apiRun({ id: 1, state: "STARTING", completed_at: null, execution_seconds: null }))]);
    state = applyRunEvent(state, stateEvent(1, 3, 200, "RUNNING"));
    state = applyRunEvent(state, stateEvent(2, 1, 201, "STARTING"));
    // The reload left the server before run 2 existed and while run 1 was still STARTING.
    const merged = mergeRuns(state, [toRun(apiRun({ id: 1, state: "STARTING", completed_at: null, execution_seconds: null }))]);
    expect(states(merged)).toEqual({ 1: "RUNNING", 2: "STARTING" });
    expect(tilesOf(merged.runs).runningNow).toBe(2);
    // A fresher copy moves it on.
    expect(states(mergeRuns(merged, [toRun(apiRun({ id: 1, state: "SUCCEEDED" }))]))[1]).toBe("SUCCEEDED");
  });
});
