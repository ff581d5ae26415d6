/**
 * Undo and redo as pure functions over a history of whole graph documents.
 * Documents share every part an edit did not change, so keeping many is cheap.
 */
import type { GraphDocument } from "./types";

export const HISTORY_LIMIT = 200;

export interface History {
  past: GraphDocument[];
  present: GraphDocument;
  future: GraphDocument[];
  /** What the last edit typed into (e.g. "filter/params.condition"): typing on there extends that edit. */
  typing?: string;
}

export function startHistory(present: GraphDocument): History {
  return { past: [], present, future: [] };
}

/**
 * Record an edit; a no-op (the same document) records nothing. A new edit ends
 * the redo line. Edits with the same `typing` key in a row are one step, so
 * undo takes back a word typed into a field, not its last letter.
 */
export function commit(history: History, next: GraphDocument, typing?: string, limit: number = HISTORY_LIMIT): History {
  if (next === history.present) return history;
  if (typing !== undefined && typing === history.typing && history.future.length === 0) {
    return { ...history, present: next };
  }
  const past = [...history.past, history.present];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, present: next, future: [], typing };
}

export function undo(history: History): History {
  const previous = history.past[history.past.length - 1];
  if (!previous) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo(history: History): History {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}

export function canUndo(history: History): boolean {
  return history.past.length > 0;
}

export function canRedo(history: History): boolean {
  return history.future.length > 0;
}

export type HistoryAction =
  | { kind: "commit"; graph: GraphDocument; typing?: string }
  | { kind: "edit"; edit: (graph: GraphDocument) => GraphDocument; typing?: string }
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "reset"; graph: GraphDocument };

/** A React reducer over the history. */
export function historyReducer(history: History, action: HistoryAction): History {
  switch (action.kind) {
    case "commit":
      return commit(history, action.graph, action.typing);
    case "edit":
      return commit(history, action.edit(history.present), action.typing);
    case "undo":
      return undo(history);
    case "redo":
      return redo(history);
    case "reset":
      return startHistory(action.graph);
  }
}
