/**
 * A loaded list of runs kept up to date by live events: the reducer behind the
 * dashboard's tiles, charts and runs table.
 *
 * The REST list is a snapshot; `/ws/dashboard/` then sends each `run.state`
 * event (docs/live-events.md). An event moves a listed run to its new state,
 * or adds a run that is new and matches the filters. An event is applied once:
 * its `id` is remembered, and per run only a higher `seq` than the last one
 * applied counts, so a replay after a reconnect changes nothing twice. Runs
 * that an event added or ended are listed in `pending` so the page fetches
 * their full record (job name, rows, timings) and merges it.
 */

import type { LiveEvent } from "../live/socket";
import type { Run, RunFilters } from "./api";
import { isFinal } from "./states";

export interface RunsState {
  /** Newest first. */
  runs: Run[];
  /** The last event seq applied to each run. */
  seqs: Readonly<Record<number, number>>;
  /** Event ids already applied. */
  seen: ReadonlySet<number>;
  /** Runs whose full record should be fetched and merged. */
  pending: readonly number[];
}

export const EMPTY_RUNS: RunsState = { runs: [], seqs: {}, seen: new Set(), pending: [] };

export function initialRuns(runs: Run[]): RunsState {
  return { ...EMPTY_RUNS, runs: sortRuns(runs) };
}

function sortRuns(runs: Run[]): Run[] {
  return [...runs].sort((a, b) => b.id - a.id);
}

/** Does a run belong in a list with these filters? (The same rules the server applies.) */
export function matchesFilters(run: Run, filters: RunFilters): boolean {
  if (filters.job && String(run.job) !== filters.job) return false;
  if (filters.state && !filters.state.split(",").includes(run.state)) return false;
  if (filters.trigger && run.trigger !== filters.trigger) return false;
  const created = Date.parse(run.created_at);
  if (filters.since && created < Date.parse(filters.since)) return false;
  if (filters.until && created >= Date.parse(filters.until)) return false;
  return true;
}

function withPending(pending: readonly number[], id: number): readonly number[] {
  return pending.includes(id) ? pending : [...pending, id];
}

function elapsed(from: string | null, to: string): number | null {
  if (!from) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? null : Math.max(0, ms / 1000);
}

/** The run as the event leaves it. */
function moved(run: Run, state: string, at: string): Run {
  const next: Run = { ...run, state };
  if (state === "STARTING" && !next.started_at) next.started_at = at;
  if (isFinal(state)) {
    next.completed_at = next.completed_at ?? at;
    next.execution_seconds = next.execution_seconds ?? elapsed(next.started_at, next.completed_at);
  }
  return next;
}

function fromEvent(event: LiveEvent, id: number, state: string, jobNames: ReadonlyMap<number, string>): Run {
  const job = typeof event.job === "number" ? event.job : 0;
  const trigger = typeof event.trigger === "string" ? event.trigger : "user";
  const base: Run = {
    id,
    job,
    job_name: jobNames.get(job) ?? `job ${job}`,
    job_version: null,
    state: "WAITING",
    trigger,
    started_by: { kind: trigger, name: null },
    attempt: typeof event.attempt === "number" ? event.attempt : 0,
    created_at: event.at,
    started_at: null,
    completed_at: null,
    execution_seconds: null,
    rows_out: null,
    error: null,
  };
  return moved(base, state, event.at);
}

/**
 * Apply one dashboard event. `filters` decide whether a run seen for the first
 * time joins the list (a listed run stays listed when its state moves on, so
 * rows do not jump out from under the reader).
 */
export function applyRunEvent(
  current: RunsState,
  event: LiveEvent,
  filters: RunFilters = {},
  jobNames: ReadonlyMap<number, string> = new Map(),
): RunsState {
  if (event.type !== "run.state" || typeof event.run !== "number" || typeof event.state !== "string") return current;
  if (current.seen.has(event.id)) return current;
  const id = event.run;
  const state = event.state;
  const seen = new Set(current.seen).add(event.id);
  const last = current.seqs[id];
  if (last !== undefined && event.seq <= last) return { ...current, seen };
  const seqs = { ...current.seqs, [id]: event.seq };
  const index = current.runs.findIndex((run) => run.id === id);
  if (index >= 0) {
    const existing = current.runs[index] as Run;
    if (isFinal(existing.state)) return { ...current, seen, seqs }; // an ended run never changes again
    const runs = [...current.runs];
    runs[index] = moved(existing, state, event.at);
    const pending = isFinal(state) ? withPending(current.pending, id) : current.pending;
    return { runs, seqs, seen, pending };
  }
  const run = fromEvent(event, id, state, jobNames);
  if (!matchesFilters(run, filters)) return { ...current, seen, seqs };
  return { runs: sortRuns([run, ...current.runs]), seqs, seen, pending: withPending(current.pending, id) };
}

/** How far along its life a state is: a run only ever moves to a later one. */
function progress(state: string): number {
  if (isFinal(state)) return 4;
  return { WAITING: 0, STARTING: 1, RUNNING: 2, STOPPING: 3 }[state] ?? 0;
}

/**
 * Merge runs fetched from the server (a page, a reload, or one run's record).
 * Runs already listed stay listed, and a fetched copy never moves a run back
 * in its life: it may have been read a moment before an event that has
 * already arrived (RUNNING read, SUCCEEDED told).
 */
export function mergeRuns(current: RunsState, fetched: Run[]): RunsState {
  const byId = new Map(current.runs.map((run) => [run.id, run]));
  for (const run of fetched) {
    const existing = byId.get(run.id);
    const behind = existing !== undefined && progress(existing.state) > progress(run.state);
    byId.set(run.id, behind ? { ...run, state: existing.state, completed_at: existing.completed_at ?? run.completed_at } : run);
  }
  const fetchedIds = new Set(fetched.map((run) => run.id));
  const pending = current.pending.filter((id) => !fetchedIds.has(id));
  return { ...current, runs: sortRuns([...byId.values()]), pending };
}

/** Stop waiting for a run's record (it could not be fetched). */
export function dropPending(current: RunsState, id: number): RunsState {
  return { ...current, pending: current.pending.filter((other) => other !== id) };
}
