/** What changed between two versions of a graph, for the version history. */
import { edgeKey } from "./graph";
import type { GraphDocument } from "./types";

export interface GraphDiff {
  addedNodes: string[];
  removedNodes: string[];
  changedNodes: string[];
  addedEdges: string[];
  removedEdges: string[];
  parametersChanged: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Moving a node is not a change worth listing; its label, type or parameters are. */
export function diffGraphs(before: GraphDocument, after: GraphDocument): GraphDiff {
  const old = new Map(before.nodes.map((node) => [node.id, node]));
  const now = new Map(after.nodes.map((node) => [node.id, node]));
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  return {
    addedNodes: after.nodes.filter((node) => !old.has(node.id)).map((node) => node.id),
    removedNodes: before.nodes.filter((node) => !now.has(node.id)).map((node) => node.id),
    changedNodes: after.nodes
      .filter((node) => {
        const was = old.get(node.id);
        return was !== undefined && !same([was.type, was.label, was.params], [node.type, node.label, node.params]);
      })
      .map((node) => node.id),
    addedEdges: [...newEdges].filter((key) => !oldEdges.has(key)),
    removedEdges: [...oldEdges].filter((key) => !newEdges.has(key)),
    parametersChanged: !same(before.parameters, after.parameters),
  };
}

export function diffIsEmpty(diff: GraphDiff): boolean {
  return (
    diff.addedNodes.length + diff.removedNodes.length + diff.changedNodes.length + diff.addedEdges.length + diff.removedEdges.length === 0 &&
    !diff.parametersChanged
  );
}

/** One short line per kind of change, for a person. */
export function describeDiff(diff: GraphDiff): string[] {
  const lines: string[] = [];
  if (diff.addedNodes.length) lines.push(`Added nodes: ${diff.addedNodes.join(", ")}`);
  if (diff.removedNodes.length) lines.push(`Removed nodes: ${diff.removedNodes.join(", ")}`);
  if (diff.changedNodes.length) lines.push(`Changed nodes: ${diff.changedNodes.join(", ")}`);
  if (diff.addedEdges.length) lines.push(`Added connections: ${diff.addedEdges.join(", ")}`);
  if (diff.removedEdges.length) lines.push(`Removed connections: ${diff.removedEdges.join(", ")}`);
  if (diff.parametersChanged) lines.push("Job parameters changed");
  return lines.length ? lines : ["No changes to the graph"];
}
