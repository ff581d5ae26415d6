/**
 * The catalog REST API (/api/catalog/...) as the browser pages use it: shapes
 * and path builders. docs/catalog.md describes every endpoint.
 */

export const CATALOG_API = "/api/catalog";

export interface Column {
  name: string;
  type: string;
  comment: string;
}

export interface Database {
  name: string;
  description: string;
  location_uri: string;
  parameters: Record<string, unknown>;
  created_at: string | null;
  updated_at: string | null;
  table_count?: number;
}

export interface Table {
  database: string;
  name: string;
  description: string;
  table_type: string;
  view_text: string;
  location: string;
  classification: string;
  format_options: Record<string, unknown>;
  columns: Column[];
  partition_keys: Column[];
  parameters: Record<string, unknown>;
  owner: string;
  deprecated: boolean;
  version: number;
  created_at: string | null;
  updated_at: string | null;
  partition_count?: number;
  score?: number;
}

export interface TableVersion {
  version: number;
  table_type: string;
  columns: Column[];
  partition_keys: Column[];
  location: string;
  classification: string;
  format_options: Record<string, unknown>;
  changed: string[];
  changed_by: { kind: string; id: string | number | null; name: string };
  created_at: string | null;
}

export interface Retyped {
  name: string;
  from: string;
  to: string;
}

export interface ColumnsDiff {
  added: Column[];
  removed: Column[];
  retyped: Retyped[];
  recommented: Retyped[];
  reordered?: boolean;
}

export interface VersionDiff {
  from_version: number;
  to_version: number;
  columns: ColumnsDiff;
  partition_keys: ColumnsDiff;
  changed: Record<string, { from: unknown; to: unknown }>;
}

export interface Partition {
  id: number;
  values: (string | null)[];
  location: string;
  parameters: Record<string, unknown>;
  created_at: string | null;
  updated_at: string | null;
}

export interface Preview {
  columns: Column[];
  rows: unknown[][];
  row_count: number;
}

export interface ColumnStatistics {
  column: string;
  type: string;
  partition: number | null;
  row_count: number | null;
  null_count: number | null;
  distinct_count: number | null;
  min: string | null;
  max: string | null;
  avg_length: number | null;
  max_length: number | null;
  true_count: number | null;
  false_count: number | null;
  computed_at: string | null;
}

export type StatisticsState = "WAITING" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface StatisticsRun {
  id: number;
  state: StatisticsState;
  partition: number | null;
  columns: string[];
  error: string;
  requested_by: string;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface ConnectionType {
  connection_type: string;
  properties: { name: string; type: "string" | "number"; required: boolean }[];
  secrets: string[];
  defaults: Record<string, unknown>;
}

export interface Connection {
  name: string;
  connection_type: string;
  description: string;
  properties: Record<string, unknown>;
  secrets_set: string[];
  created_at: string | null;
  updated_at: string | null;
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  results: T[];
  next_cursor: string | null;
  next: string | null;
}

const seg = encodeURIComponent;

/** `path?key=value&...`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export const catalogApi = {
  databases: () => `${CATALOG_API}/databases/`,
  database: (db: string) => `${CATALOG_API}/databases/${seg(db)}/`,
  tables: (db: string) => `${CATALOG_API}/databases/${seg(db)}/tables/`,
  table: (db: string, t: string) => `${CATALOG_API}/databases/${seg(db)}/tables/${seg(t)}/`,
  versions: (db: string, t: string) => `${catalogApi.table(db, t)}versions/`,
  diff: (db: string, t: string, from: number, to: number) =>
    withQuery(`${catalogApi.table(db, t)}versions/diff/`, { from, to }),
  partitions: (db: string, t: string) => `${catalogApi.table(db, t)}partitions/`,
  preview: (db: string, t: string) => `${catalogApi.table(db, t)}preview/`,
  statistics: (db: string, t: string) => `${catalogApi.table(db, t)}statistics/`,
  computeStatistics: (db: string, t: string) => `${catalogApi.table(db, t)}statistics/compute/`,
  statisticsRun: (db: string, t: string, id: number) => `${catalogApi.table(db, t)}statistics/runs/${id}/`,
  search: () => `${CATALOG_API}/search/`,
  connectionTypes: () => `${CATALOG_API}/connection-types/`,
  connections: () => `${CATALOG_API}/connections/`,
  connection: (name: string) => `${CATALOG_API}/connections/${seg(name)}/`,
  testConnection: (name: string) => `${CATALOG_API}/connections/${seg(name)}/test/`,
};

/** Browser routes of the catalog pages. */
export const catalogRoutes = {
  home: () => "/catalog",
  database: (db: string) => `/catalog/databases/${seg(db)}`,
  table: (db: string, t: string) => `/catalog/databases/${seg(db)}/tables/${seg(t)}`,
  connections: () => "/catalog/connections",
  newConnection: () => "/catalog/connections/new",
  connection: (name: string) => `/catalog/connections/${seg(name)}`,
};
