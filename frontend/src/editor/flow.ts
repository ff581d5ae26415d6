/**
 * Graph document <-> React Flow. The document is the truth; React Flow gets
 * nodes and edges derived from it, and connections it reports are turned back
 * into port names here. Handles are named `in:<port>` and `out:<port>` so an
 * input and an output may share a name.
 */
import type { Edge, Node } from "@xyflow/react";
import { edgeKey, sourcePort, targetPort, type ConnectionRequest } from "./graph";
import type { Column, GraphDocument, GraphNode, NodeRunState, NodeType, Problem } from "./types";

export const NODE_KIND = "glueweb";

export interface EditorNodeData extends Record<string, unknown> {
  node: GraphNode;
  type: NodeType | undefined;
  problems: Problem[];
  /** Output columns per port, when the engine could tell. */
  schema: Record<string, Column[]> | undefined;
  run: NodeRunState | undefined;
}

export type EditorNode = Node<EditorNodeData, typeof NODE_KIND>;

export function inHandle(port: string): string {
  return `in:${port}`;
}

export function outHandle(port: string): string {
  return `out:${port}`;
}

export function parseHandle(handle: string | null | undefined): { side: "in" | "out"; port: string } | null {
  if (!handle) return null;
  const colon = handle.indexOf(":");
  const side = handle.slice(0, colon);
  if (colon < 0 || (side !== "in" && side !== "out")) return null;
  return { side, port: handle.slice(colon + 1) };
}

export interface FlowExtras {
  types: ReadonlyMap<string, NodeType>;
  problems: ReadonlyMap<string, Problem[]>;
  schemas: Record<string, { ports: Record<string, Column[]> }>;
  runStates: ReadonlyMap<string, NodeRunState>;
  selected: ReadonlySet<string>;
}

const NO_PROBLEMS: Problem[] = [];

export function toFlowNode(node: GraphNode, extras: FlowExtras, previous?: EditorNode): EditorNode {
  const data: EditorNodeData = {
    node,
    type: extras.types.get(node.type),
    problems: extras.problems.get(node.id) ?? NO_PROBLEMS,
    schema: extras.schemas[node.id]?.ports,
    run: extras.runStates.get(node.id),
  };
  // Selection is React Flow's view state: kept from the previous view, or given for new nodes.
  const selected = previous ? Boolean(previous.selected) || extras.selected.has(node.id) : extras.selected.has(node.id);
  // Reuse the previous object when nothing it shows changed, so React Flow re-renders only what did.
  if (
    previous &&
    previous.selected === selected &&
    previous.position.x === node.position.x &&
    previous.position.y === node.position.y &&
    previous.data.node === data.node &&
    previous.data.type === data.type &&
    previous.data.problems === data.problems &&
    previous.data.schema === data.schema &&
    previous.data.run === data.run
  ) {
    return previous;
  }
  return {
    ...(previous ?? {}),
    id: node.id,
    type: NODE_KIND,
    position: node.position,
    data,
    selected,
  };
}

export function toFlowNodes(graph: GraphDocument, extras: FlowExtras, previous: readonly EditorNode[] = []): EditorNode[] {
  const before = new Map(previous.map((node) => [node.id, node]));
  return graph.nodes.map((node) => toFlowNode(node, extras, before.get(node.id)));
}

export function toFlowEdges(graph: GraphDocument, selected: ReadonlySet<string> = new Set()): Edge[] {
  return graph.edges.map((edge) => {
    const id = edgeKey(edge);
    return {
      id,
      source: edge.source,
      target: edge.target,
      sourceHandle: outHandle(sourcePort(edge)),
      targetHandle: inHandle(targetPort(edge)),
      selected: selected.has(id),
    };
  });
}

/** Problems grouped by node id (problems of no node under ""). */
export function problemsByNode(problems: readonly Problem[]): Map<string, Problem[]> {
  const grouped = new Map<string, Problem[]>();
  for (const problem of problems) {
    const key = problem.node ?? "";
    grouped.set(key, [...(grouped.get(key) ?? []), problem]);
  }
  return grouped;
}

export type HandlePair = { request: ConnectionRequest } | { reason: string };

/**
 * A connection drawn between two handles, in either direction, as an
 * output-to-input request; two outputs or two inputs is the wrong port.
 */
export function requestFromHandles(
  from: { node: string; handle: string | null | undefined },
  to: { node: string; handle: string | null | undefined },
): HandlePair {
  const a = parseHandle(from.handle);
  const b = parseHandle(to.handle);
  if (!a || !b) return { reason: "Connect a node's output to another node's input." };
  if (a.side === b.side) {
    return {
      reason:
        a.side === "out"
          ? `Wrong port: "${a.port}" and "${b.port}" are both outputs; connect an output to an input.`
          : `Wrong port: "${a.port}" and "${b.port}" are both inputs; connect an output to an input.`,
    };
  }
  const [output, input] = a.side === "out" ? [{ ...a, node: from.node }, { ...b, node: to.node }] : [{ ...b, node: to.node }, { ...a, node: from.node }];
  return { request: { source: output.node, sourcePort: output.port, target: input.node, targetPort: input.port } };
}

/** A one-line summary of columns for the canvas: "order_id bigint, total double, +5 more". */
export function summariseColumns(columns: readonly Column[] | undefined, shown = 3): string {
  if (!columns) return "";
  if (columns.length === 0) return "no columns";
  const head = columns.slice(0, shown).map((column) => `${column.name} ${column.type}`);
  const more = columns.length - shown;
  return more > 0 ? `${head.join(", ")}, +${more} more` : head.join(", ");
}
