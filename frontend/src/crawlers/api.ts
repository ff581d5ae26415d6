/**
 * The crawler REST API (/api/crawlers/..., docs/crawlers.md) as the pages use it: shapes, paths,
 * and the form's payload.
 */

export const CRAWLERS_API = "/api/crawlers";

const seg = (value: string) => encodeURIComponent(value);

export const crawlerApi = {
  list: () => `${CRAWLERS_API}/`,
  crawler: (name: string) => `${CRAWLERS_API}/${seg(name)}/`,
  start: (name: string) => `${CRAWLERS_API}/${seg(name)}/start/`,
  stop: (name: string) => `${CRAWLERS_API}/${seg(name)}/stop/`,
  dryRun: (name: string) => `${CRAWLERS_API}/${seg(name)}/dry-run/`,
  runs: (name: string) => `${CRAWLERS_API}/${seg(name)}/runs/`,
  run: (name: string, id: number) => `${CRAWLERS_API}/${seg(name)}/runs/${id}/`,
  browse: (path: string) => `${CRAWLERS_API}/browse/${path ? `?path=${seg(path)}` : ""}`,
};

export const crawlerRoutes = {
  list: () => "/crawlers",
  create: () => "/crawlers/new",
  crawler: (name: string) => `/crawlers/${seg(name)}`,
  edit: (name: string) => `/crawlers/${seg(name)}/edit`,
  run: (name: string, id: number) => `/crawlers/${seg(name)}/runs/${id}`,
};

export interface Target {
  path: string;
  connection: string;
}

export interface Crawler {
  name: string;
  description: string;
  targets: Target[];
  exclusions: string[];
  database: string;
  table_prefix: string;
  classifiers: Record<string, unknown>[];
  sample_size: number;
  update_behavior: string;
  delete_behavior: string;
  recrawl_behavior: string;
  combine_compatible_schemas: boolean;
  table_level: number | null;
  table_threshold: number | null;
  schedule: string;
  state: string;
  last_run: RunSummary | null;
}

export interface RunSummary {
  id: number;
  crawler: string;
  dry_run: boolean;
  state: string;
  started_by: string;
  created_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  files_total: number;
  files_scanned: number;
  files_skipped: number;
  tables_created: number;
  tables_updated: number;
  tables_deprecated: number;
  tables_deleted: number;
  partitions_added: number;
  partitions_removed: number;
  error: string;
}

export interface ColumnChange {
  name: string;
  type?: string;
  from?: string;
  to?: string;
}

export interface Change {
  action: string;
  table: string;
  decision: "apply" | "log";
  reason: string;
  location?: string;
  columns?: { name: string; type: string }[];
  partition_keys?: { name: string; type: string }[];
  partitions?: (string | null)[][];
  count?: number;
  changed?: string[];
  diff?: {
    columns: { added: ColumnChange[]; removed: ColumnChange[]; retyped: ColumnChange[] };
    partition_keys: { added: ColumnChange[]; removed: ColumnChange[]; retyped: ColumnChange[] };
  };
}

export interface FoundTable {
  name: string;
  location: string;
  partitions: number;
  reason: string;
  level: number;
  files: number;
  partition_keys: string[];
  classified_by: string;
  merged: string[];
}

export interface RunDetail extends RunSummary {
  changes: Change[];
  tables: FoundTable[];
  file_errors: { path: string; error: string }[];
  log: { at: string; level: string; message: string }[];
}

export interface Browse {
  path: string;
  parent: string | null;
  folders: string[];
}

export const UPDATE_BEHAVIORS = ["UPDATE_IN_DATABASE", "LOG"];
export const DELETE_BEHAVIORS = ["DEPRECATE_IN_DATABASE", "DELETE_FROM_DATABASE", "LOG"];
export const RECRAWL_BEHAVIORS = ["CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY"];

/** What the form edits, as text where the user types. */
export interface FormValues {
  name: string;
  description: string;
  targets: Target[];
  exclusions: string;
  database: string;
  table_prefix: string;
  classifiers: string;
  sample_size: string;
  update_behavior: string;
  delete_behavior: string;
  recrawl_behavior: string;
  combine_compatible_schemas: boolean;
  table_level: string;
  table_threshold: string;
  schedule: string;
}

export function initialValues(existing: Crawler | null): FormValues {
  return {
    name: existing?.name ?? "",
    description: existing?.description ?? "",
    targets: existing?.targets.length ? existing.targets.map((t) => ({ ...t })) : [{ path: "", connection: "" }],
    exclusions: (existing?.exclusions ?? []).join("\n"),
    database: existing?.database ?? "",
    table_prefix: existing?.table_prefix ?? "",
    classifiers: existing?.classifiers.length ? JSON.stringify(existing.classifiers, null, 2) : "",
    sample_size: String(existing?.sample_size ?? 10),
    update_behavior: existing?.update_behavior ?? "UPDATE_IN_DATABASE",
    delete_behavior: existing?.delete_behavior ?? "DEPRECATE_IN_DATABASE",
    recrawl_behavior: existing?.recrawl_behavior ?? "CRAWL_EVERYTHING",
    combine_compatible_schemas: existing?.combine_compatible_schemas ?? false,
    table_level: existing?.table_level == null ? "" : String(existing.table_level),
    table_threshold: existing?.table_threshold == null ? "" : String(existing.table_threshold),
    schedule: existing?.schedule ?? "",
  };
}

/** A whole number as a number; blank as null; anything else as typed, so the API names the field. */
function optionalNumber(text: string): number | string | null {
  const raw = text.trim();
  if (raw === "") return null;
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body for POST (creating: with the name) or PATCH. */
export function crawlerPayload(values: FormValues, creating: boolean): Record<string, unknown> {
  let classifiers: unknown = [];
  if (values.classifiers.trim()) {
    try {
      classifiers = JSON.parse(values.classifiers);
    } catch {
      throw new PayloadError("classifiers", "must be a JSON list of classifiers");
    }
  }
  const payload: Record<string, unknown> = {
    description: values.description,
    targets: values.targets
      .filter((t) => t.path.trim() !== "")
      .map((t) => ({ path: t.path.trim(), connection: t.connection.trim() })),
    exclusions: values.exclusions
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== ""),
    database: values.database.trim(),
    table_prefix: values.table_prefix.trim(),
    classifiers,
    sample_size: optionalNumber(values.sample_size),
    update_behavior: values.update_behavior,
    delete_behavior: values.delete_behavior,
    recrawl_behavior: values.recrawl_behavior,
    combine_compatible_schemas: values.combine_compatible_schemas,
    table_level: optionalNumber(values.table_level),
    table_threshold: optionalNumber(values.table_threshold),
    schedule: values.schedule.trim(),
  };
  if (creating) payload.name = values.name.trim();
  return payload;
}

const ACTION_LABELS: Record<string, string> = {
  create_database: "Create database",
  create_table: "Create table",
  update_table: "Update table",
  add_partitions: "Add partitions",
  remove_partitions: "Remove partitions",
  deprecate_table: "Deprecate table",
  delete_table: "Delete table",
  keep_table: "Keep table",
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

/** A crawl's final states; ERROR: its worker died (docs/crawlers.md "Runs"). */
export const FINISHED = new Set(["SUCCEEDED", "FAILED", "STOPPED", "ERROR"]);
