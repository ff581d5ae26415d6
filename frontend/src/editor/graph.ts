/**
 * Pure operations on a graph document: every edit the editor makes is one of
 * these, returning a new document (the old one is never changed), so undo/redo
 * is a matter of keeping old documents and the rules are testable without a browser.
 */
import type { GraphDocument, GraphEdge, GraphNode, NodeType, NodeTypeMap } from "./types";

export const DEFAULT_OUT = "out";
export const DEFAULT_IN = "in";

export function sourcePort(edge: GraphEdge): string {
  return edge.source_port ?? DEFAULT_OUT;
}

export function targetPort(edge: GraphEdge): string {
  return edge.target_port ?? DEFAULT_IN;
}

/** Output ports of a node: declared, or for `route` one per route plus `default`. */
export function outputPorts(node: GraphNode, type: NodeType | undefined): string[] {
  if (!type) return [DEFAULT_OUT];
  if (type.dynamic_outputs) {
    const routes = Array.isArray(node.params.routes) ? (node.params.routes as unknown[]) : [];
    const names = routes
      .map((route) => (route && typeof route === "object" ? (route as Record<string, unknown>).name : undefined))
      .filter((name): name is string => typeof name === "string" && name !== "");
    return [...names, ...type.outputs.map((port) => port.name)];
  }
  return type.outputs.map((port) => port.name);
}

export function inputPorts(type: NodeType | undefined): { name: string; many: boolean }[] {
  if (!type) return [{ name: DEFAULT_IN, many: false }];
  return type.inputs.map((port) => ({ name: port.name, many: Boolean(port.many) }));
}

/** A node id not used in the graph, made from the type key: `filter`, `filter_2`, ... */
export function freshId(graph: GraphDocument, base: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set(graph.nodes.map((node) => node.id));
  const stem = base.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 56) || "node";
  if (!used.has(stem) && !taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const candidate = `${stem}_${n}`;
    if (!used.has(candidate) && !taken.has(candidate)) return candidate;
  }
}

/** Parameter defaults from the type's schema, so a new node starts as the form shows it. */
export function defaultParams(type: NodeType): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(type.params_schema.properties ?? {})) {
    if (schema.default !== undefined && (type.params_schema.required ?? []).includes(key)) {
      params[key] = structuredClone(schema.default);
    }
  }
  return params;
}

export function addNode(graph: GraphDocument, node: GraphNode): GraphDocument {
  return { ...graph, nodes: [...graph.nodes, node] };
}

export function newNode(graph: GraphDocument, type: NodeType, position: { x: number; y: number }): GraphNode {
  return {
    id: freshId(graph, type.key),
    type: type.key,
    label: type.label,
    params: defaultParams(type),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
}

export function removeNodes(graph: GraphDocument, ids: Iterable<string>): GraphDocument {
  const gone = new Set(ids);
  if (gone.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => !gone.has(node.id)),
    edges: graph.edges.filter((edge) => !gone.has(edge.source) && !gone.has(edge.target)),
  };
}

export function edgeKey(edge: GraphEdge): string {
  return `${edge.source}:${sourcePort(edge)}->${edge.target}:${targetPort(edge)}`;
}

export function removeEdges(graph: GraphDocument, keys: Iterable<string>): GraphDocument {
  const gone = new Set(keys);
  if (gone.size === 0) return graph;
  return { ...graph, edges: graph.edges.filter((edge) => !gone.has(edgeKey(edge))) };
}

export function updateNode(graph: GraphDocument, id: string, change: Partial<Omit<GraphNode, "id">>): GraphDocument {
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === id ? { ...node, ...change } : node)) };
}

export function moveNodes(graph: GraphDocument, positions: ReadonlyMap<string, { x: number; y: number }>): GraphDocument {
  if (positions.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const to = positions.get(node.id);
      return to ? { ...node, position: { x: Math.round(to.x), y: Math.round(to.y) } } : node;
    }),
  };
}

/** An edge in the document's compact form: default port names are left out. */
export function makeEdge(source: string, outPort: string, target: string, inPort: string): GraphEdge {
  const edge: GraphEdge = { source, target };
  if (outPort !== DEFAULT_OUT) edge.source_port = outPort;
  if (inPort !== DEFAULT_IN) edge.target_port = inPort;
  return edge;
}

export interface ConnectionRequest {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/** True when `to` can already be reached from `from` along the edges (so an edge to -> from closes a loop). */
export function reaches(graph: GraphDocument, from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

function nodeName(node: GraphNode): string {
  return node.label ? `${node.label} (${node.id})` : node.id;
}

/**
 * Why the connection may not be made, or null when it may. The rules are the
 * engine's (docs/graph-format.md): an output port into an input port the
 * types declare, no loops, and one edge into a port that takes one input.
 */
export function connectionProblem(graph: GraphDocument, types: NodeTypeMap, request: ConnectionRequest): string | null {
  const source = graph.nodes.find((node) => node.id === request.source);
  const target = graph.nodes.find((node) => node.id === request.target);
  if (!source || !target) return "Both ends of a connection must be nodes on the canvas.";
  if (source.id === target.id) return `${nodeName(source)} cannot feed itself.`;
  const sourceType = types.get(source.type);
  const targetType = types.get(target.type);
  if (!outputPorts(source, sourceType).includes(request.sourcePort)) {
    return `Wrong port: "${request.sourcePort}" is not an output of ${nodeName(source)}; connect an output to an input.`;
  }
  const port = inputPorts(targetType).find((candidate) => candidate.name === request.targetPort);
  if (!port) {
    return `Wrong port: "${request.targetPort}" is not an input of ${nodeName(target)}; connect an output to an input.`;
  }
  const existing = graph.edges.filter((edge) => edge.target === target.id && targetPort(edge) === port.name);
  if (existing.some((edge) => edge.source === source.id && sourcePort(edge) === request.sourcePort)) {
    return `${nodeName(source)} already feeds input "${port.name}" of ${nodeName(target)}.`;
  }
  if (!port.many && existing.length > 0) {
    return `Input "${port.name}" of ${nodeName(target)} takes one input and is already fed by ${existing[0]?.source}.`;
  }
  if (reaches(graph, target.id, source.id)) {
    return `That connection would make a cycle: ${target.id} already leads to ${source.id}.`;
  }
  return null;
}

export type ConnectResult = { ok: true; graph: GraphDocument } | { ok: false; reason: string };

export function connect(graph: GraphDocument, types: NodeTypeMap, request: ConnectionRequest): ConnectResult {
  const reason = connectionProblem(graph, types, request);
  if (reason) return { ok: false, reason };
  const edge = makeEdge(request.source, request.sourcePort, request.target, request.targetPort);
  return { ok: true, graph: { ...graph, edges: [...graph.edges, edge] } };
}

/**
 * Put `node` (new, not yet in the graph) into the middle of `edge`: the edge's
 * source feeds the node's first input, the node's first output feeds the
 * edge's target. A node without an input or an output cannot go in the middle
 * of anything: the answer says why and the graph stays as it was.
 */
export function spliceOntoEdge(
  graph: GraphDocument,
  types: NodeTypeMap,
  edge: GraphEdge,
  node: GraphNode,
): ConnectResult {
  const type = types.get(node.type);
  const input = inputPorts(type)[0];
  const output = outputPorts(node, type)[0];
  if (!input || !output) {
    return { ok: false, reason: `${type?.label ?? node.type} has no ${input ? "output" : "input"}, so it cannot go between two nodes.` };
  }
  const key = edgeKey(edge);
  if (!graph.edges.some((candidate) => edgeKey(candidate) === key)) {
    return { ok: false, reason: "That connection is no longer on the canvas." };
  }
  const edges: GraphEdge[] = [];
  for (const candidate of graph.edges) {
    if (edgeKey(candidate) === key) {
      // Keep the document order of the edge being replaced: union reads its inputs in that order.
      edges.push(makeEdge(edge.source, sourcePort(edge), node.id, input.name));
      edges.push(makeEdge(node.id, output, edge.target, targetPort(edge)));
    } else {
      edges.push(candidate);
    }
  }
  return { ok: true, graph: { ...graph, nodes: [...graph.nodes, node], edges } };
}

/**
 * Copies of the given nodes (and the edges among them) with fresh ids,
 * shifted by `offset`, ready to add to `graph`: what paste and duplicate add.
 */
export function cloneNodes(
  graph: GraphDocument,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  offset: { x: number; y: number },
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const id = freshId(graph, node.id.replace(/_\d+$/, ""), taken);
    taken.add(id);
    ids.set(node.id, id);
  }
  return {
    nodes: nodes.map((node) => ({
      ...structuredClone(node),
      id: ids.get(node.id) as string,
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({ ...edge, source: ids.get(edge.source) as string, target: ids.get(edge.target) as string })),
  };
}

export function addNodesAndEdges(graph: GraphDocument, nodes: GraphNode[], edges: GraphEdge[]): GraphDocument {
  return { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] };
}

/** The edge feeding a node's input port, if there is one. */
export function edgeInto(graph: GraphDocument, nodeId: string, port: string): GraphEdge | undefined {
  return graph.edges.find((edge) => edge.target === nodeId && targetPort(edge) === port);
}

/**
 * A document as the API wants it from whatever an import gave: the format,
 * lists where lists belong. Anything the engine would refuse is left for its
 * validation to report; this only refuses what is not a graph document at all.
 */
export function parseGraph(text: string): GraphDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The file is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("The file is not a graph document (a JSON object).");
  const record = value as Record<string, unknown>;
  // A job export wraps the graph: {"name": ..., "graph": {...}}.
  const document = (record.graph && typeof record.graph === "object" ? record.graph : record) as Record<string, unknown>;
  if (document.format !== "glueweb.graph/1") {
    throw new Error(`The file's format is ${JSON.stringify(document.format ?? null)}; glueweb reads "glueweb.graph/1".`);
  }
  if (!Array.isArray(document.nodes)) throw new Error("The graph document has no list of nodes.");
  return {
    ...(document as unknown as GraphDocument),
    parameters: Array.isArray(document.parameters) ? (document.parameters as GraphDocument["parameters"]) : [],
    nodes: (document.nodes as GraphNode[]).map((node) => ({
      ...node,
      params: node.params ?? {},
      position: node.position ?? { x: 0, y: 0 },
    })),
    edges: Array.isArray(document.edges) ? (document.edges as GraphEdge[]) : [],
  };
}
