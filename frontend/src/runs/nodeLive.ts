/**
 * One node's live figures from a run's events (docs/live-events.md): `node.state` moves its state
 * (WAITING, RUNNING, SUCCEEDED, FAILED, STOPPED), `node.progress` gives the rows a RUNNING node
 * has produced so far. Shared by the run page (runView.ts) and the editor (editor/hooks.ts).
 */

import type { LiveEvent } from "../live/socket";

export interface NodeLive {
  state: string;
  rows_out: number | null;
  duration_ms: number | null;
  /** Why rows_out is null although the run counted rows (e.g. "not counted: inside a join pipeline"). */
  rows_note?: string | null;
}

export const NODE_EVENTS: ReadonlySet<string> = new Set(["node.state", "node.progress"]);

export function isNodeEvent(event: LiveEvent): boolean {
  return NODE_EVENTS.has(event.type) && typeof event.node === "string";
}

/** Final node states: a progress event never moves a node out of one. */
const NODE_FINAL: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "STOPPED"]);

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The node as `event` leaves it (`before`: what was known; undefined before its first event). */
export function applyNodeEvent(before: NodeLive | undefined, event: LiveEvent): NodeLive {
  const stateOf = typeof event.state === "string" ? event.state : null;
  if (event.type === "node.progress") {
    const state = before && NODE_FINAL.has(before.state) ? before.state : (stateOf ?? before?.state ?? "RUNNING");
    const ended = before !== undefined && NODE_FINAL.has(before.state);
    return {
      state,
      rows_out: ended ? before.rows_out : (num(event.rows_out) ?? before?.rows_out ?? null),
      duration_ms: before?.duration_ms ?? null,
      rows_note: before?.rows_note ?? null,
    };
  }
  const state = stateOf ?? before?.state ?? "WAITING";
  // A final state's figures are the run's last word, null included (e.g. rows not counted).
  const told = (key: string, previous: number | null | undefined) => (key in event ? num(event[key]) : (previous ?? null));
  return {
    state,
    rows_out: told("rows_out", before?.rows_out),
    duration_ms: told("duration_ms", before?.duration_ms),
    rows_note: typeof event.rows_note === "string" ? event.rows_note : (before?.rows_note ?? null),
  };
}

/** A "Rows out" table cell: the count, or why there is none (the run's rows_note) instead of a bare dash. */
export function rowsCell(node: Pick<NodeLive, "rows_out" | "rows_note">, format: (n: number) => string): string {
  if (node.rows_out !== null) return format(node.rows_out);
  return node.rows_note ?? "—";
}

/** What to write for a node's rows: a count, "… so far" while it runs, or why there is none. */
export function describeRows(node: Pick<NodeLive, "state" | "rows_out" | "rows_note">, format: (n: number) => string): string {
  if (node.rows_out === null) return node.rows_note ? "rows not counted" : "— rows";
  return node.state === "RUNNING" ? `${format(node.rows_out)} rows so far` : `${format(node.rows_out)} rows`;
}
