/** The graph document (docs/graph-format.md) and what the engine API says about it. */

export const GRAPH_FORMAT = "glueweb.graph/1";

export type ParameterType = "string" | "number" | "integer" | "boolean";

export interface JobParameter {
  name: string;
  type: ParameterType;
  default?: string | number | boolean;
}

export interface GraphNode {
  id: string;
  type: string;
  label?: string;
  params: Record<string, unknown>;
  position: { x: number; y: number };
}

export interface GraphEdge {
  source: string;
  target: string;
  source_port?: string;
  target_port?: string;
}

export interface GraphDocument {
  format: typeof GRAPH_FORMAT;
  parameters: JobParameter[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A JSON Schema fragment, as the node types serve their parameters (draft 2020-12, a subset). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  "x-glueweb"?: string;
  [key: string]: unknown;
}

export interface PortSpec {
  name: string;
  many?: boolean;
}

/** One entry of GET /api/node-types/. */
export interface NodeType {
  key: string;
  label: string;
  category: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  params_schema: JsonSchema;
  glue: string | null;
  enabled: boolean;
  dynamic_outputs: boolean;
}

export type NodeTypeMap = ReadonlyMap<string, NodeType>;

/** An error object of the engine's validation. */
export interface Problem {
  node: string | null;
  field: string;
  message: string;
}

export interface Column {
  name: string;
  type: string;
  comment?: string | null;
}

/** POST /api/graphs/schema/: output columns per node and port, and the problems. */
export interface SchemaAnswer {
  nodes: Record<string, { ports: Record<string, Column[]> }>;
  errors: Problem[];
}

export interface PreviewAnswer {
  node: string;
  port: string;
  columns: Column[];
  /** One object per row, keyed by column name. */
  rows: Record<string, unknown>[];
  sample: { is_sample: boolean; rows_per_source: number; limit: number; returned: number };
}

/** What a run has told the editor about one node (docs/runs.md "Per node"). */
export interface NodeRunState {
  state: string;
  rows_out?: number | null;
  duration_ms?: number | null;
  /** Why rows_out is null although the run counted rows (runs/nodeLive.ts). */
  rows_note?: string | null;
  error?: string | null;
}

export function emptyGraph(): GraphDocument {
  return { format: GRAPH_FORMAT, parameters: [], nodes: [], edges: [] };
}
