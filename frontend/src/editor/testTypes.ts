/** Node types as /api/node-types/ serves them, trimmed to what the editor's tests need. */
import { emptyGraph, type NodeType } from "./types";

function type(key: string, category: string, inputs: { name: string; many?: boolean }[], outputs: string[], extra: Partial<NodeType> = {}): NodeType {
  return {
    key,
    label: key.replace(/_/g, " "),
    category,
    inputs,
    outputs: outputs.map((name) => ({ name })),
    params_schema: { type: "object", properties: {}, additionalProperties: false },
    glue: null,
    enabled: true,
    dynamic_outputs: false,
    ...extra,
  };
}

export const TEST_TYPES: NodeType[] = [
  type("read_files", "sources", [], ["out"]),
  type("filter", "rows", [{ name: "in" }], ["out"], {
    params_schema: {
      type: "object",
      properties: { condition: { type: "string", minLength: 1, title: "Condition", "x-glueweb": "expression" } },
      additionalProperties: false,
    },
  }),
  type("join", "combining", [{ name: "left" }, { name: "right" }], ["out"]),
  type("union", "combining", [{ name: "in", many: true }], ["out"]),
  type("aggregate", "reshaping", [{ name: "in" }], ["out"], {
    params_schema: {
      type: "object",
      properties: {
        group_by: { type: "array", items: { type: "string", minLength: 1 }, default: [] },
        aggregations: { type: "array", minItems: 1, items: { type: "object", properties: {} } },
      },
      required: ["aggregations"],
    },
  }),
  type("route", "sql_routing", [{ name: "in" }], ["default"], { dynamic_outputs: true }),
  type("write_files", "targets", [{ name: "in" }], []),
];

export const TEST_TYPE_MAP = new Map(TEST_TYPES.map((t) => [t.key, t]));

/** Job 5 as GET /api/jobs/5/ serves it to the editor tests: version 1 with an empty graph. */
export const TEST_JOB = {
  id: 5,
  name: "orders",
  description: "",
  default_parameters: {},
  max_retries: 0,
  timeout_minutes: 60,
  max_concurrent_runs: 1,
  tags: [],
  graph: emptyGraph(),
  version: 1,
  created_at: "2026-11-29T10:00:00+00:00",
  updated_at: "2026-11-29T10:00:00+00:00",
};
