/**
 * What Ctrl+C copied in the editor: kept for the life of the tab, outside any
 * one editor, so nodes copied from one job paste into another (the editor
 * unmounts between /jobs/new and /jobs/<id>). Copies are deep, so later edits
 * to the job they came from never change what pastes.
 */
import type { GraphEdge, GraphNode } from "./types";

export interface CopiedNodes {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

let copied: CopiedNodes | null = null;

/** Remember these nodes (and the edges among them); an empty selection leaves what was copied before. */
export function copyNodes(selection: CopiedNodes): void {
  if (selection.nodes.length === 0) return;
  copied = structuredClone(selection);
}

/** What was copied last, or null: a fresh copy each time, so one paste cannot change the next. */
export function copiedNodes(): CopiedNodes | null {
  return copied && structuredClone(copied);
}
