import { describe, expect, it } from "vitest";
import { diffGraphs, describeDiff } from "./diff";
import { requestFromHandles, toFlowEdges } from "./flow";
import {
  cloneNodes,
  connect,
  connectionProblem,
  edgeKey,
  freshId,
  newNode,
  outputPorts,
  parseGraph,
  removeNodes,
  spliceOntoEdge,
} from "./graph";
import { canRedo, canUndo, commit, historyReducer, redo, startHistory, undo } from "./history";
import { NODE_HEIGHT, NODE_WIDTH, autoLayout, graphBounds, placeInView } from "./layout";
import { groupTypes } from "./Palette";
import { TEST_TYPES, TEST_TYPE_MAP } from "./testTypes";
import { emptyGraph, type GraphDocument, type GraphNode } from "./types";

function n(id: string, type: string, params: Record<string, unknown> = {}): GraphNode {
  return { id, type, params, position: { x: 0, y: 0 } };
}

/** read -> filter -> write, plus a second reader and a join not yet connected. */
function sample(): GraphDocument {
  return {
    ...emptyGraph(),
    nodes: [n("read", "read_files"), n("keep", "filter"), n("write", "write_files"), n("read2", "read_files"), n("both", "join")],
    edges: [
      { source: "read", target: "keep" },
      { source: "keep", target: "write" },
    ],
  };
}

describe("undo and redo", () => {
  it("takes edits back one at a time and brings them again", () => {
    const a = emptyGraph();
    const b = { ...a, nodes: [n("x", "filter")] };
    const c = { ...b, nodes: [...b.nodes, n("y", "filter")] };
    let history = commit(commit(startHistory(a), b), c);
    expect(canUndo(history)).toBe(true);
    expect(canRedo(history)).toBe(false);
    history = undo(history);
    expect(history.present).toBe(b);
    history = undo(history);
    expect(history.present).toBe(a);
    expect(canUndo(history)).toBe(false);
    expect(undo(history)).toBe(history);
    history = redo(redo(history));
    expect(history.present).toBe(c);
    expect(redo(history)).toBe(history);
  });

  it("drops the redo line when a new edit is made after undoing", () => {
    const a = emptyGraph();
    const b = { ...a, nodes: [n("x", "filter")] };
    const c = { ...a, nodes: [n("z", "filter")] };
    const history = commit(undo(commit(startHistory(a), b)), c);
    expect(history.present).toBe(c);
    expect(history.future).toEqual([]);
    expect(history.past).toEqual([a]);
  });

  it("records nothing for an edit that changed nothing", () => {
    const history = startHistory(emptyGraph());
    expect(historyReducer(history, { kind: "edit", edit: (g) => g })).toBe(history);
  });

  it("makes typing into one field a single step, and a different field a new one", () => {
    const a = emptyGraph();
    const t1 = { ...a, parameters: [{ name: "p", type: "string" as const, default: "a" }] };
    const t2 = { ...a, parameters: [{ name: "p", type: "string" as const, default: "ab" }] };
    const other = { ...t2, nodes: [n("x", "filter")] };
    let history = commit(commit(startHistory(a), t1, "params"), t2, "params");
    expect(history.past).toEqual([a]);
    history = commit(history, other, "label");
    expect(history.past).toEqual([a, t2]);
    expect(undo(undo(history)).present).toBe(a);
  });

  it("keeps at most the history limit", () => {
    let history = startHistory(emptyGraph());
    for (let i = 0; i < 10; i++) history = commit(history, { ...history.present, nodes: [n(`n${i}`, "filter")] }, undefined, 3);
    expect(history.past).toHaveLength(3);
  });
});

describe("connection rules", () => {
  it("connects an output to a free input", () => {
    const result = connect(sample(), TEST_TYPE_MAP, { source: "read2", sourcePort: "out", target: "both", targetPort: "right" });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.graph.edges.at(-1)).toEqual({ source: "read2", target: "both", target_port: "right" });
  });

  it("refuses a port the type does not declare", () => {
    const reason = connectionProblem(sample(), TEST_TYPE_MAP, { source: "read2", sourcePort: "out", target: "both", targetPort: "in" });
    expect(reason).toMatch(/Wrong port: "in" is not an input of both/);
    expect(connectionProblem(sample(), TEST_TYPE_MAP, { source: "write", sourcePort: "out", target: "both", targetPort: "left" })).toMatch(
      /Wrong port: "out" is not an output of write/,
    );
  });

  it("refuses two outputs or two inputs drawn together", () => {
    expect(requestFromHandles({ node: "a", handle: "out:out" }, { node: "b", handle: "out:out" })).toEqual({
      reason: 'Wrong port: "out" and "out" are both outputs; connect an output to an input.',
    });
    expect(requestFromHandles({ node: "a", handle: "in:left" }, { node: "b", handle: "in:in" })).toHaveProperty("reason");
  });

  it("reads a connection drawn from an input back to an output the right way round", () => {
    expect(requestFromHandles({ node: "keep", handle: "in:in" }, { node: "read", handle: "out:out" })).toEqual({
      request: { source: "read", sourcePort: "out", target: "keep", targetPort: "in" },
    });
  });

  it("refuses a second input into a port that takes one, naming what feeds it", () => {
    const result = connect(sample(), TEST_TYPE_MAP, { source: "read2", sourcePort: "out", target: "keep", targetPort: "in" });
    expect(result).toEqual({ ok: false, reason: 'Input "in" of keep takes one input and is already fed by read.' });
  });

  it("lets a port that takes many have many, but not the same edge twice", () => {
    let graph: GraphDocument = { ...emptyGraph(), nodes: [n("a", "read_files"), n("b", "read_files"), n("u", "union")], edges: [] };
    for (const source of ["a", "b"]) {
      const result = connect(graph, TEST_TYPE_MAP, { source, sourcePort: "out", target: "u", targetPort: "in" });
      expect(result.ok).toBe(true);
      if (result.ok) graph = result.graph;
    }
    expect(graph.edges).toHaveLength(2);
    expect(connect(graph, TEST_TYPE_MAP, { source: "a", sourcePort: "out", target: "u", targetPort: "in" })).toMatchObject({ ok: false });
  });

  it("refuses a cycle, and a node feeding itself", () => {
    const graph: GraphDocument = {
      ...emptyGraph(),
      nodes: [n("a", "filter"), n("b", "filter"), n("c", "aggregate")],
      edges: [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
      ],
    };
    expect(connectionProblem(graph, TEST_TYPE_MAP, { source: "c", sourcePort: "out", target: "a", targetPort: "in" })).toMatch(/cycle: a already leads to c/);
    expect(connectionProblem(graph, TEST_TYPE_MAP, { source: "a", sourcePort: "out", target: "a", targetPort: "in" })).toMatch(/cannot feed itself/);
  });

  it("knows a route's outputs from its routes", () => {
    const route = n("r", "route", { routes: [{ name: "big", condition: "x > 1" }, { name: "small" }] });
    expect(outputPorts(route, TEST_TYPE_MAP.get("route"))).toEqual(["big", "small", "default"]);
  });
});

describe("splicing onto an edge", () => {
  it("puts the new node between the two ends, in the replaced edge's place", () => {
    const graph = sample();
    const node = newNode(graph, TEST_TYPE_MAP.get("filter")!, { x: 10, y: 20 });
    expect(node.id).toBe("filter");
    const result = spliceOntoEdge(graph, TEST_TYPE_MAP, graph.edges[1]!, node);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.edges).toEqual([
      { source: "read", target: "keep" },
      { source: "keep", target: "filter" },
      { source: "filter", target: "write" },
    ]);
    expect(result.graph.nodes.at(-1)).toBe(node);
  });

  it("uses the join's first input and keeps named ports of the edge", () => {
    const graph: GraphDocument = {
      ...emptyGraph(),
      nodes: [n("a", "read_files"), n("j", "join")],
      edges: [{ source: "a", target: "j", target_port: "right" }],
    };
    const result = spliceOntoEdge(graph, TEST_TYPE_MAP, graph.edges[0]!, n("k", "join"));
    expect(result.ok && result.graph.edges).toEqual([
      { source: "a", target: "k", target_port: "left" },
      { source: "k", target: "j", target_port: "right" },
    ]);
  });

  it("refuses a source or a target, which cannot sit in the middle, and leaves the graph alone", () => {
    const graph = sample();
    expect(spliceOntoEdge(graph, TEST_TYPE_MAP, graph.edges[0]!, n("r9", "read_files"))).toEqual({
      ok: false,
      reason: "read files has no input, so it cannot go between two nodes.",
    });
    expect(spliceOntoEdge(graph, TEST_TYPE_MAP, graph.edges[0]!, n("w9", "write_files"))).toMatchObject({ ok: false });
  });
});

describe("other graph edits", () => {
  it("removing a node removes its edges", () => {
    const graph = removeNodes(sample(), ["keep"]);
    expect(graph.nodes.map((node) => node.id)).toEqual(["read", "write", "read2", "both"]);
    expect(graph.edges).toEqual([]);
  });

  it("copies get fresh ids and keep only the edges among themselves", () => {
    const graph = sample();
    const copies = cloneNodes(graph, graph.nodes.slice(0, 2), graph.edges, { x: 40, y: 40 });
    expect(copies.nodes.map((node) => node.id)).toEqual(["read_2", "keep_2"]);
    expect(copies.edges).toEqual([{ source: "read_2", target: "keep_2" }]);
    expect(copies.nodes[0]?.position).toEqual({ x: 40, y: 40 });
  });

  it("fresh ids never collide", () => {
    expect(freshId(sample(), "read")).toBe("read_2");
    expect(freshId(sample(), "sort")).toBe("sort");
    expect(freshId(sample(), "we ird!")).toBe("we_ird_");
  });

  it("parses an export wrapper or a bare document, and refuses what is not a graph", () => {
    const bare = JSON.stringify({ format: "glueweb.graph/1", nodes: [{ id: "a", type: "filter" }] });
    expect(parseGraph(bare).nodes[0]).toEqual({ id: "a", type: "filter", params: {}, position: { x: 0, y: 0 } });
    expect(parseGraph(JSON.stringify({ name: "j", graph: JSON.parse(bare) })).edges).toEqual([]);
    expect(() => parseGraph("{")).toThrow(/not JSON/);
    expect(() => parseGraph(JSON.stringify({ format: "other", nodes: [] }))).toThrow(/glueweb.graph\/1/);
  });

  it("edges become React Flow edges with named handles and stable ids", () => {
    const [edge] = toFlowEdges({ ...emptyGraph(), edges: [{ source: "a", target: "j", target_port: "right" }] });
    expect(edge).toMatchObject({ id: "a:out->j:right", sourceHandle: "out:out", targetHandle: "in:right" });
    expect(edgeKey({ source: "a", target: "j", target_port: "right" })).toBe(edge?.id);
  });

  it("lays nodes out left to right along the edges", () => {
    const positions = autoLayout(sample());
    expect(positions.get("keep")!.x).toBeGreaterThan(positions.get("read")!.x);
    expect(positions.get("write")!.x).toBeGreaterThan(positions.get("keep")!.x);
  });

  it("bounds the nodes at their document places, measured sizes where known", () => {
    const graph: GraphDocument = { ...emptyGraph(), nodes: [{ ...n("a", "filter"), position: { x: -10, y: 5 } }, { ...n("b", "filter"), position: { x: 300, y: 100 } }] };
    expect(graphBounds(graph, new Map([["b", { width: 200, height: 40 }]]))).toEqual({ x: -10, y: 5, width: 510, height: 135 });
    expect(graphBounds(graph, new Map())).toEqual({ x: -10, y: 5, width: 310 + NODE_WIDTH, height: 95 + NODE_HEIGHT });
  });

  it("pastes where the user looks: in place when any copy is in view, else together in the middle of the view", () => {
    const copies = [{ ...n("a", "filter"), position: { x: 1000, y: 1000 } }, { ...n("b", "filter"), position: { x: 1300, y: 1000 } }];
    expect(placeInView(copies, { x: 900, y: 900, width: 400, height: 400 })).toBe(copies);
    const moved = placeInView(copies, { x: 0, y: 0, width: 800, height: 600 });
    // Bounds 1000..1520 x 1000..1090, centred on (400, 300); the distance between the copies is kept.
    expect(moved.map((node) => node.position)).toEqual([
      { x: 140, y: 255 },
      { x: 440, y: 255 },
    ]);
    expect(placeInView(copies, null)).toBe(copies);
  });

  it("describes what changed between versions, ignoring moves", () => {
    const before = sample();
    const after: GraphDocument = {
      ...before,
      nodes: [...before.nodes.map((node) => (node.id === "keep" ? { ...node, params: { condition: "x" } } : { ...node, position: { x: 9, y: 9 } })), n("new", "filter")],
      edges: before.edges.slice(1),
    };
    const diff = diffGraphs(before, after);
    expect(diff).toMatchObject({ addedNodes: ["new"], changedNodes: ["keep"], removedNodes: [], removedEdges: ["read:out->keep:in"] });
    expect(describeDiff(diffGraphs(before, before))).toEqual(["No changes to the graph"]);
  });

  it("the palette groups types by category in catalog order and searches labels and keys", () => {
    expect(groupTypes(TEST_TYPES, "").map(([category]) => category)).toEqual(["sources", "rows", "combining", "reshaping", "sql_routing", "targets"]);
    expect(groupTypes(TEST_TYPES, "JOIN")).toEqual([["combining", [TEST_TYPE_MAP.get("join")]]]);
    expect(groupTypes(TEST_TYPES, "nothing like it")).toEqual([]);
  });
});
