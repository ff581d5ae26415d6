/**
 * What the run page knows about one run from its event stream
 * (`/ws/runs/<id>/`, replayed from the first event): the state timeline, each
 * node's latest state and rows so far (nodeLive.ts), and the log. Events are applied in `seq` order, once.
 */

import type { LiveEvent } from "../live/socket";
import { applyNodeEvent, isNodeEvent, type NodeLive } from "./nodeLive";

export type { NodeLive } from "./nodeLive";

export interface TimelineEntry {
  state: string;
  at: string;
  seq: number;
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

export function applyRunViewEvent(view: RunView, event: LiveEvent): RunView {
  if (event.seq <= view.lastSeq) return view; // replayed after a reconnect: already applied
  const next: RunView = { ...view, lastSeq: event.seq };
  switch (event.type) {
    case "run.state":
      if (typeof event.state === "string") next.timeline = [...view.timeline, { state: event.state, at: event.at, seq: event.seq }];
      return next;
    case "node.state":
    case "node.progress": {
      if (!isNodeEvent(event)) return next;
      const node = event.node as string;
      next.nodes = { ...view.nodes, [node]: applyNodeEvent(view.nodes[node], event) };
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
