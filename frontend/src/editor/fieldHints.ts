/**
 * Which parameters name columns of a node's input, and which hold expressions.
 * The node types' JSON Schemas say what values are allowed, not what they mean,
 * so the editor keeps this small map (docs/node-catalog.md marks them `column`).
 */
import type { JsonSchema } from "./types";

export type FieldPath = readonly (string | number)[];

/** Keys whose string values (or lists of strings) are input column names. */
const COLUMN_KEYS = new Set(["column", "columns", "group_by", "subset", "partition_by", "order_by", "index", "on", "values", "source"]);

/** Per type: a key that takes its columns from a port other than the first input. */
const PORT_OF_KEY: Record<string, Record<string, string>> = {
  join: { left: "left", right: "right" },
};

function keysOf(path: FieldPath): string[] {
  return path.filter((part): part is string => typeof part === "string");
}

/**
 * The input port whose columns a field picks from, or null when the field is
 * not a column. `schema` is the field's own schema: a string, or a list of them.
 */
export function columnPort(typeKey: string, path: FieldPath, schema: JsonSchema, firstInput: string | undefined): string | null {
  const key = keysOf(path).at(-1);
  if (!key || !firstInput) return null;
  const isString = schema.type === "string" && !schema.enum;
  const isStringList = schema.type === "array" && schema.items?.type === "string" && !schema.items.enum;
  if (!isString && !isStringList) return null;
  const special = PORT_OF_KEY[typeKey]?.[key];
  if (special) return special;
  // rename_columns' mapping and write targets' "source" of change_schema are columns; "on" of join is objects.
  if (COLUMN_KEYS.has(key)) return firstInput;
  return null;
}

/** An SQL expression (or a whole query) the engine parses: shown as code and checked as you type. */
export function isExpression(path: FieldPath, schema: JsonSchema): boolean {
  const hint = schema["x-glueweb"];
  if (hint === "expression" || hint === "sql") return true;
  const key = keysOf(path).at(-1);
  return schema.type === "string" && (key === "expression" || key === "condition" || key === "partition_filter" || key === "query");
}

export function humanise(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The problem-field path of a parameter: `params.aggregations.0.column`. */
export function problemField(path: FieldPath): string {
  return ["params", ...path].join(".");
}
