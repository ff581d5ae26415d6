/** What changed between two versions of a job (its graph and its settings), for the version history. */
import { edgeKey } from "./graph";
import type { GraphDocument, GraphNode } from "./types";

export interface GraphDiff {
  addedNodes: string[];
  removedNodes: string[];
  changedNodes: string[];
  /** Per changed node, what changed in it: "label", "type", or a parameter's name. */
  changedFields: Record<string, string[]>;
  addedEdges: string[];
  removedEdges: string[];
  parametersChanged: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields of a node that differ between two of its versions (its place on the canvas is no change). */
function fieldsChanged(was: GraphNode, now: GraphNode): string[] {
  const fields: string[] = [];
  if (was.type !== now.type) fields.push("type");
  if ((was.label ?? "") !== (now.label ?? "")) fields.push("label");
  const keys = [...new Set([...Object.keys(was.params ?? {}), ...Object.keys(now.params ?? {})])].sort();
  for (const key of keys) if (!same(was.params?.[key], now.params?.[key])) fields.push(key);
  return fields;
}

/** Moving a node is not a change worth listing; its label, type or parameters are. */
export function diffGraphs(before: GraphDocument, after: GraphDocument): GraphDiff {
  const old = new Map(before.nodes.map((node) => [node.id, node]));
  const now = new Map(after.nodes.map((node) => [node.id, node]));
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const changedFields: Record<string, string[]> = {};
  for (const node of after.nodes) {
    const was = old.get(node.id);
    const fields = was ? fieldsChanged(was, node) : [];
    if (fields.length > 0) changedFields[node.id] = fields;
  }
  return {
    addedNodes: after.nodes.filter((node) => !old.has(node.id)).map((node) => node.id),
    removedNodes: before.nodes.filter((node) => !now.has(node.id)).map((node) => node.id),
    changedNodes: Object.keys(changedFields),
    changedFields,
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

/** One short line per kind of change, for a person: "Changed nodes: filter (condition)". */
export function describeDiff(diff: GraphDiff): string[] {
  const lines: string[] = [];
  if (diff.addedNodes.length) lines.push(`Added nodes: ${diff.addedNodes.join(", ")}`);
  if (diff.removedNodes.length) lines.push(`Removed nodes: ${diff.removedNodes.join(", ")}`);
  if (diff.changedNodes.length) {
    const named = diff.changedNodes.map((id) => {
      const fields = diff.changedFields[id] ?? [];
      return fields.length ? `${id} (${fields.join(", ")})` : id;
    });
    lines.push(`Changed nodes: ${named.join(", ")}`);
  }
  if (diff.addedEdges.length) lines.push(`Added connections: ${diff.addedEdges.join(", ")}`);
  if (diff.removedEdges.length) lines.push(`Removed connections: ${diff.removedEdges.join(", ")}`);
  if (diff.parametersChanged) lines.push("Job parameters changed");
  return lines.length ? lines : ["No changes to the graph"];
}

/** The job settings a version records besides its graph (jobs/api.ts JobSettings), as a person names them. */
const SETTING_LABELS: Record<string, string> = {
  name: "Name",
  description: "Description",
  default_parameters: "Default parameter values",
  max_retries: "Retries",
  timeout_minutes: "Timeout (minutes)",
  max_concurrent_runs: "Max concurrent runs",
  node_metrics: "Node metrics",
  tags: "Tags",
};

function shown(value: unknown): string {
  if (value === undefined || value === null || value === "") return "none";
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "none";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * One line per job setting that differs: "Retries: 0 → 3". Short values are
 * shown, long text (a description) only said to have changed. Settings one
 * side does not record (an older version, before the setting existed) count
 * as unchanged.
 */
export function describeSettingsDiff(before: object, after: object): string[] {
  const was = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const lines: string[] = [];
  for (const [key, label] of Object.entries(SETTING_LABELS)) {
    if (!(key in was) || !(key in now) || same(was[key], now[key])) continue;
    const from = shown(was[key]);
    const to = shown(now[key]);
    lines.push(from.length + to.length > 80 || key === "description" ? `${label} changed` : `${label}: ${from} → ${to}`);
  }
  return lines;
}

/** Everything that changed between two versions of a job, graph first; one line saying nothing did otherwise. */
export function describeJobChanges(before: { graph: GraphDocument }, after: { graph: GraphDocument }): string[] {
  const graph = diffGraphs(before.graph, after.graph);
  const settings = describeSettingsDiff(before, after);
  if (diffIsEmpty(graph)) return settings.length ? settings : ["No changes"];
  return [...describeDiff(graph), ...settings];
}
