/** Automatic layout: left to right, one column per step, with dagre. */
import { Graph, layout } from "@dagrejs/dagre";
import type { GraphDocument, GraphNode } from "./types";

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

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The box around these nodes at their places in the document, each as big as
 * React Flow measured it (or as the layout assumes, before it has).
 */
export function nodesBounds(
  nodes: readonly GraphNode[],
  sizes: ReadonlyMap<string, { width?: number; height?: number } | undefined> = new Map(),
): Rect {
  if (nodes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const node of nodes) {
    const size = sizes.get(node.id);
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + (size?.width ?? NODE_WIDTH));
    bottom = Math.max(bottom, node.position.y + (size?.height ?? NODE_HEIGHT));
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

export function graphBounds(graph: GraphDocument, sizes: ReadonlyMap<string, { width?: number; height?: number } | undefined>): Rect {
  return nodesBounds(graph.nodes, sizes);
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Pasted nodes where the user will see them: kept where they are when any of
 * them is in `view` (the part of the canvas on screen, in flow coordinates),
 * else moved together to its middle (pasting into another job, or after
 * panning away).
 */
export function placeInView(nodes: GraphNode[], view: Rect | null): GraphNode[] {
  if (!view || nodes.length === 0) return nodes;
  if (nodes.some((node) => overlaps(nodesBounds([node]), view))) return nodes;
  const bounds = nodesBounds(nodes);
  const dx = Math.round(view.x + view.width / 2 - (bounds.x + bounds.width / 2));
  const dy = Math.round(view.y + view.height / 2 - (bounds.y + bounds.height / 2));
  return nodes.map((node) => ({ ...node, position: { x: node.position.x + dx, y: node.position.y + dy } }));
}
