/**
 * What the run page knows about one run from its event stream
 * (`/ws/runs/<id>/`, replayed from the first event): the state timeline, each
 * node's latest state, and the log. Events are applied in `seq` order, once.
 */

import type { LiveEvent } from "../live/socket";

export interface TimelineEntry {
  state: string;
  at: string;
  seq: number;
}

export interface NodeLive {
  state: string;
  rows_out: number | null;
  duration_ms: number | null;
}

export interface LogLine {
  seq: number;
  at: string;
  level: string;
  message: string;
}

export interface RunView {
  lastSeq: number;
  timeline: TimelineEntry[];
  nodes: Readonly<Record<string, NodeLive>>;
  logs: LogLine[];
}

export const EMPTY_VIEW: RunView = { lastSeq: 0, timeline: [], nodes: {}, logs: [] };

/** Logs kept in the page; the whole log is always downloadable. */
export const KEPT_LOG_LINES = 5000;

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function applyRunViewEvent(view: RunView, event: LiveEvent): RunView {
  if (event.seq <= view.lastSeq) return view; // replayed after a reconnect: already applied
  const next: RunView = { ...view, lastSeq: event.seq };
  switch (event.type) {
    case "run.state":
      if (typeof event.state === "string") next.timeline = [...view.timeline, { state: event.state, at: event.at, seq: event.seq }];
      return next;
    case "node.state": {
      if (typeof event.node !== "string" || typeof event.state !== "string") return next;
      const before = view.nodes[event.node];
      next.nodes = {
        ...view.nodes,
        [event.node]: {
          state: event.state,
          rows_out: num(event.rows_out) ?? before?.rows_out ?? null,
          duration_ms: num(event.duration_ms) ?? before?.duration_ms ?? null,
        },
      };
      return next;
    }
    case "run.log": {
      const line: LogLine = {
        seq: event.seq,
        at: event.at,
        level: typeof event.level === "string" ? event.level : "info",
        message: typeof event.message === "string" ? event.message : String(event.message ?? ""),
      };
      const logs = [...view.logs, line];
      next.logs = logs.length > KEPT_LOG_LINES ? logs.slice(logs.length - KEPT_LOG_LINES) : logs;
      return next;
    }
    default:
      return next;
  }
}

/** The run's state: the latest the events told, else what the REST record says. */
export function currentState(view: RunView, fallback: string): string {
  return view.timeline[view.timeline.length - 1]?.state ?? fallback;
}
