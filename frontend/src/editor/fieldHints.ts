/**
 * What a parameter means, read from the markers in its JSON Schema (the node
 * types set them, docs/node-catalog.md "Parameter markers"): which parameters
 * name columns of an input, and which hold expressions. Nothing here guesses
 * from a parameter's name.
 */
import type { JsonSchema } from "./types";

export type FieldPath = readonly (string | number)[];

/** The `x-glueweb` marker: column, columns, column-keys (input columns); expression, sql (code the engine parses). */
export function markerOf(schema: JsonSchema): string | undefined {
  const marker = schema["x-glueweb"];
  return typeof marker === "string" ? marker : undefined;
}

function isStringList(schema: JsonSchema): boolean {
  return schema.type === "array" && schema.items?.type === "string" && !schema.items.enum;
}

/** Does the marker fit the schema's shape? A marker on the wrong shape is ignored rather than drawn wrong. */
function fits(marker: string | undefined, schema: JsonSchema): marker is "column" | "columns" | "column-keys" {
  if (marker === "column") return schema.type === "string" && !schema.enum;
  if (marker === "columns") return isStringList(schema);
  if (marker === "column-keys") return schema.type === "object";
  return false;
}

/**
 * The input port whose columns a field names (its `x-glueweb-port`, else the
 * node's first input), or null when the field names no columns. `schema` is
 * the field's own schema: `column` on a string, `columns` on a list of
 * strings, `column-keys` on a mapping whose keys are column names.
 */
export function columnPort(schema: JsonSchema, firstInput: string | undefined): string | null {
  if (!fits(markerOf(schema), schema)) return null;
  const port = schema["x-glueweb-port"];
  if (typeof port === "string" && port) return port;
  return firstInput ?? null;
}

/** An SQL expression (or a whole query) the engine parses: shown as code and checked as you type. */
export function isExpression(schema: JsonSchema): boolean {
  const marker = markerOf(schema);
  return schema.type === "string" && (marker === "expression" || marker === "sql");
}

export function humanise(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The problem-field path of a parameter: `params.aggregations.0.column`. */
export function problemField(path: FieldPath): string {
  return ["params", ...path].join(".");
}
