/** Where to draw each node of a run's graph: its saved position, else a layered layout. */

import type { Graph } from "./api";

export const COLUMN_WIDTH = 240;
export const ROW_HEIGHT = 110;

export function layoutGraph(graph: Graph): Record<string, { x: number; y: number }> {
  const positions: Record<string, { x: number; y: number }> = {};
  if (graph.nodes.every((node) => node.position)) {
    for (const node of graph.nodes) positions[node.id] = node.position as { x: number; y: number };
    return positions;
  }
  // Depth = longest path from a source; cycles cannot happen in a valid graph, the guard keeps a bad one finite.
  const depth = new Map(graph.nodes.map((node) => [node.id, 0]));
  for (let pass = 0; pass < graph.nodes.length; pass += 1) {
    let changed = false;
    for (const edge of graph.edges) {
      const wanted = (depth.get(edge.source) ?? 0) + 1;
      if (depth.has(edge.target) && (depth.get(edge.target) ?? 0) < wanted) {
        depth.set(edge.target, wanted);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  for (const node of graph.nodes) {
    const column = depth.get(node.id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions[node.id] = { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT };
  }
  return positions;
}
