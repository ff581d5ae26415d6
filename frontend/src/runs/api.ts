/**
 * The runs REST API as the dashboard and run pages use it: shapes, paths and
 * calls. This is the one place that knows the backend's URLs and field names
 * (docs/runs.md "What a run records"); everything else works on the types
 * below, which `toRun` fills from whatever the server sent, so a renamed field
 * changes only this file.
 */

import { apiGet, apiPost } from "../api/client";

export const RUNS_API = "/api/runs/";
export const JOBS_API = "/api/jobs/";
/** Job runs and crawls in one list (docs/runs.md "Dashboard"). */
export const DASHBOARD_RUNS_API = "/api/dashboard/runs/";

export const runPath = (id: number) => `${RUNS_API}${id}/`;
export const stopPath = (id: number) => `${RUNS_API}${id}/stop/`;
export const runEventsPath = (id: number, after = 0) => `${RUNS_API}${id}/events/?after=${after}`;
export const runLogPath = (id: number) => `${RUNS_API}${id}/logs/`;
export const startPath = (job: number) => `${JOBS_API}${job}/runs/`;
export const jobVersionPath = (job: number, version: number) => `${JOBS_API}${job}/versions/${version}/`;

export interface StartedBy {
  kind: string;
  name: string | null;
}

export interface RunError {
  node: string | null;
  type: string;
  message: string;
  traceback: string;
}

export interface NodeRun {
  node: string;
  type: string;
  state: string;
  rows_out: number | null;
  duration_ms: number | null;
  /** Why rows_out is null although the run counted rows (e.g. "not counted: inside a join pipeline"). */
  rows_note: string | null;
  started_at: string | null;
  completed_at: string | null;
  error: { message: string; traceback?: string } | null;
}

/** What a row of the dashboard is: a job run, or a crawler run ("crawl"). */
export type RunKind = "job" | "crawl";

export interface Run {
  /** Absent: a job run (the runs API lists nothing else). */
  kind?: RunKind;
  id: number;
  /** The job's id; for a crawl, 0 (crawlers are known by name). */
  job: number;
  /** The job's name, or the crawler's. */
  job_name: string;
  job_version: number | null;
  state: string;
  trigger: string;
  started_by: StartedBy;
  attempt: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  execution_seconds: number | null;
  rows_out: number | null;
  error: RunError | null;
  /** Crawls: a dry run changes nothing in the catalog. */
  dry_run?: boolean;
  /** Crawls: tables created or updated. */
  tables_changed?: number | null;
}

export function runKind(run: Run): RunKind {
  return run.kind ?? "job";
}

/** Unique across kinds (a job run and a crawl may share an id). */
export function runKey(run: Run): string {
  return `${runKind(run)}-${run.id}`;
}

/** The front-end page of a run: the run page, or the crawler's run page. */
export function runLink(run: Run): string {
  return runKind(run) === "crawl" ? `/crawlers/${encodeURIComponent(run.job_name)}/runs/${run.id}` : `/runs/${run.id}`;
}

export interface GraphNode {
  id: string;
  type: string;
  label?: string;
  position?: { x: number; y: number };
}

export interface GraphEdge {
  source: string;
  target: string;
  source_port?: string;
  target_port?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface RunDetail extends Run {
  parameters: Record<string, unknown>;
  nodes: NodeRun[];
  graph: Graph | null;
  previous_run: number | null;
  worker: string;
  timeout_minutes: number | null;
}

export interface JobSummary {
  id: number;
  name: string;
}

export interface RunPage {
  results: Run[];
  next_cursor: string | null;
}

export interface RunFilters {
  /** Dashboard list only: "job" or "crawl" (absent: both). */
  kind?: string;
  job?: string;
  /** Dashboard list only: a crawler's name. */
  crawler?: string;
  state?: string;
  trigger?: string;
  /** ISO date-times compared with the run's created_at: since is inclusive, until exclusive. */
  since?: string;
  until?: string;
}

type Raw = Record<string, unknown>;

function asRecord(value: unknown): Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Raw) : {};
}
function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function seconds(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isNaN(ms) ? null : ms / 1000;
}

/** A run from the server's JSON; `job` may be an id or an object {id, name}. */
export function toRun(raw: unknown): Run {
  const r = asRecord(raw);
  const job = asRecord(r.job);
  const jobId = num(r.job) ?? num(job.id) ?? num(r.job_id) ?? 0;
  const startedBy = asRecord(r.started_by);
  const started_at = str(r.started_at);
  const completed_at = str(r.completed_at);
  const version = asRecord(r.job_version);
  const error = r.error === null || r.error === undefined ? null : asRecord(r.error);
  return {
    id: num(r.id) ?? 0,
    job: jobId,
    job_name: str(r.job_name) ?? str(job.name) ?? `job ${jobId}`,
    job_version: num(r.job_version) ?? num(version.number) ?? num(r.version) ?? null,
    state: str(r.state) ?? "WAITING",
    trigger: str(r.trigger) ?? str(startedBy.kind) ?? "user",
    started_by: { kind: str(startedBy.kind) ?? str(r.trigger) ?? "user", name: str(startedBy.name) },
    attempt: num(r.attempt) ?? 0,
    created_at: str(r.created_at) ?? new Date().toISOString(),
    started_at,
    completed_at,
    execution_seconds: num(r.execution_seconds) ?? seconds(started_at, completed_at),
    rows_out: num(r.rows_out),
    error: error
      ? {
          node: str(error.node),
          type: str(error.type) ?? "error",
          message: str(error.message) ?? "",
          traceback: str(error.traceback) ?? "",
        }
      : null,
  };
}

function toNodeRun(raw: unknown): NodeRun {
  const n = asRecord(raw);
  const error = n.error === null || n.error === undefined ? null : asRecord(n.error);
  return {
    node: str(n.node) ?? "",
    type: str(n.type) ?? "",
    state: str(n.state) ?? "WAITING",
    rows_out: num(n.rows_out),
    duration_ms: num(n.duration_ms),
    rows_note: str(n.rows_note),
    started_at: str(n.started_at),
    completed_at: str(n.completed_at),
    error: error ? { message: str(error.message) ?? "", traceback: str(error.traceback) ?? undefined } : null,
  };
}

export function toGraph(raw: unknown): Graph | null {
  const g = asRecord(raw);
  if (!Array.isArray(g.nodes)) return null;
  return {
    nodes: g.nodes.map((node) => {
      const n = asRecord(node);
      const position = asRecord(n.position);
      const x = num(position.x);
      const y = num(position.y);
      return {
        id: str(n.id) ?? "",
        type: str(n.type) ?? "",
        label: str(n.label) ?? undefined,
        position: x !== null && y !== null ? { x, y } : undefined,
      };
    }),
    edges: (Array.isArray(g.edges) ? g.edges : []).map((edge) => {
      const e = asRecord(edge);
      return {
        source: str(e.source) ?? "",
        target: str(e.target) ?? "",
        source_port: str(e.source_port) ?? undefined,
        target_port: str(e.target_port) ?? undefined,
      };
    }),
  };
}

export function toRunDetail(raw: unknown): RunDetail {
  const r = asRecord(raw);
  const version = asRecord(r.job_version);
  return {
    ...toRun(raw),
    parameters: asRecord(r.parameters),
    nodes: Array.isArray(r.nodes) ? r.nodes.map(toNodeRun) : [],
    graph: toGraph(r.graph ?? version.graph),
    previous_run: num(r.previous_run),
    worker: str(r.worker) ?? "",
    timeout_minutes: num(r.timeout_minutes),
  };
}

/** `path` with the non-empty values of `query` appended as a query string. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

export function runsListPath(filters: RunFilters, limit: number, cursor: string | null = null): string {
  return withQuery(RUNS_API, { ...filters, page_size: limit, cursor });
}

/** The opaque cursor of the next page: DRF's cursor pagination gives it inside the `next` URL. */
export function nextCursor(raw: Raw): string | null {
  const direct = str(raw.next_cursor);
  if (direct) return direct;
  const next = str(raw.next);
  if (!next) return null;
  try {
    return new URL(next, "http://localhost").searchParams.get("cursor");
  } catch {
    return null;
  }
}

export async function fetchRuns(filters: RunFilters, limit: number, cursor: string | null, signal?: AbortSignal): Promise<RunPage> {
  const raw = asRecord(await apiGet<unknown>(runsListPath(filters, limit, cursor), { signal }));
  const results = Array.isArray(raw.results) ? raw.results : [];
  return { results: results.map(toRun), next_cursor: nextCursor(raw) };
}

export type PageFetcher = (filters: RunFilters, limit: number, cursor: string | null, signal?: AbortSignal) => Promise<RunPage>;

/** Every run matching `filters`, following cursors up to `max` rows (the dashboard's period). */
export async function fetchAllRuns(
  filters: RunFilters,
  max: number,
  signal?: AbortSignal,
  fetchPage: PageFetcher = fetchRuns,
): Promise<{ runs: Run[]; truncated: boolean }> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  do {
    const page: RunPage = await fetchPage(filters, Math.min(200, max - runs.length), cursor, signal);
    runs.push(...page.results);
    cursor = page.next_cursor;
  } while (cursor && runs.length < max);
  return { runs, truncated: cursor !== null };
}

/** A row of GET /api/dashboard/runs/: a job run or a crawl, in the shape of a Run. */
export function toDashboardRun(raw: unknown): Run {
  const r = asRecord(raw);
  const kind: RunKind = r.kind === "crawl" ? "crawl" : "job";
  const message = str(r.error);
  const run = toRun({ ...r, job: num(r.job) ?? 0, job_name: str(r.name) ?? str(r.crawler) ?? "", error: null });
  return {
    ...run,
    kind,
    dry_run: r.dry_run === true,
    tables_changed: num(r.tables_changed),
    error: message ? { node: null, type: kind === "crawl" ? "crawl" : "error", message, traceback: "" } : null,
  };
}

export function dashboardRunsPath(filters: RunFilters, limit: number, cursor: string | null = null): string {
  return withQuery(DASHBOARD_RUNS_API, { ...filters, page_size: limit, cursor });
}

export async function fetchDashboardRuns(filters: RunFilters, limit: number, cursor: string | null, signal?: AbortSignal): Promise<RunPage> {
  const raw = asRecord(await apiGet<unknown>(dashboardRunsPath(filters, limit, cursor), { signal }));
  const results = Array.isArray(raw.results) ? raw.results : [];
  return { results: results.map(toDashboardRun), next_cursor: nextCursor(raw) };
}

/** One row of the dashboard list, by kind and id; null when there is none. */
export async function fetchDashboardRun(kind: RunKind, id: number, signal?: AbortSignal): Promise<Run | null> {
  const raw = asRecord(await apiGet<unknown>(withQuery(DASHBOARD_RUNS_API, { kind, run: id, page_size: 1 }), { signal }));
  const found = (Array.isArray(raw.results) ? raw.results : []).map(toDashboardRun);
  return found.find((run) => run.id === id && runKind(run) === kind) ?? null;
}

/** One run with its nodes; `withGraph` also reads the graph of the job version it ran. */
export async function fetchRun(id: number, signal?: AbortSignal, withGraph = false): Promise<RunDetail> {
  const detail = toRunDetail(await apiGet<unknown>(runPath(id), { signal }));
  if (withGraph && !detail.graph && detail.job && detail.job_version !== null) {
    // The run may name its version without embedding the graph: the version holds it.
    try {
      const version = asRecord(await apiGet<unknown>(jobVersionPath(detail.job, detail.job_version), { signal }));
      detail.graph = toGraph(version.graph);
    } catch {
      detail.graph = null; // the node table still shows every node
    }
  }
  return detail;
}

export async function fetchJobs(signal?: AbortSignal): Promise<JobSummary[]> {
  const raw = await apiGet<unknown>(JOBS_API, { signal });
  const list = Array.isArray(raw) ? raw : asRecord(raw).results;
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const job = asRecord(item);
    return { id: num(job.id) ?? 0, name: str(job.name) ?? "" };
  });
}

/** Start a run of `job` with parameter overrides; the new run. */
export async function startJob(job: number, parameters: Record<string, unknown>): Promise<Run> {
  return toRun(await apiPost<unknown>(startPath(job), { parameters }));
}

export async function stopRun(id: number): Promise<Run> {
  return toRun(await apiPost<unknown>(stopPath(id), {}));
}
