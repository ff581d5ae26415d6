/** Automatic layout: left to right, one column per step, with dagre. */
import { Graph, layout } from "@dagrejs/dagre";
import type { GraphDocument } from "./types";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 90;

/** New positions for every node (top-left corners, as React Flow places them). */
export function autoLayout(graph: GraphDocument): Map<string, { x: number; y: number }> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  graph.edges.forEach((edge, index) => {
    if (g.hasNode(edge.source) && g.hasNode(edge.target)) g.setEdge(edge.source, edge.target, {}, String(index));
  });
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of graph.nodes) {
    const placed = g.node(node.id) as { x: number; y: number } | undefined;
    if (placed) positions.set(node.id, { x: Math.round(placed.x - NODE_WIDTH / 2), y: Math.round(placed.y - NODE_HEIGHT / 2) });
  }
  return positions;
}
