/**
 * The jobs API (jobs/api/jobs.py, runs.py): job definitions, their versions,
 * and runs. The one place the editor and the Jobs page talk to it.
 */
import { apiDelete, apiGet, apiPatch, apiPost } from "../api/client";
import type { GraphDocument } from "../editor/types";

export interface JobSettings {
  name: string;
  description: string;
  default_parameters: Record<string, unknown>;
  max_retries: number;
  timeout_minutes: number;
  max_concurrent_runs: number;
  /** How runs measure their nodes (docs/runs.md "Node metrics"); the server's default is "fast". */
  node_metrics?: NodeMetrics;
  tags: string[];
}

export type NodeMetrics = "fast" | "exact";

export interface Job extends JobSettings {
  id: number;
  graph: GraphDocument;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A job's newest run, as GET /api/jobs/ gives it with each job. */
export interface LastRun {
  id: number;
  state: string;
  created_at: string;
  completed_at: string | null;
}

/** A job as the list answers it: with its newest run, or null when it never ran. */
export interface ListedJob extends Job {
  last_run: LastRun | null;
}

export interface JobVersion extends JobSettings {
  number: number;
  graph: GraphDocument;
  created_at: string;
  created_by: string | null;
}

export interface NodeRunRecord {
  node: string;
  type: string;
  state: string;
  rows_out: number | null;
  duration_ms: number | null;
  rows_note?: string | null;
  error: { message?: string } | string | null;
}

export interface RunSummary {
  id: number;
  job: number;
  job_version: number;
  state: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  error: { node?: string | null; message?: string } | null;
}

export interface RunDetail extends RunSummary {
  nodes: NodeRunRecord[];
}

export const DEFAULT_SETTINGS: Omit<JobSettings, "name"> = {
  description: "",
  default_parameters: {},
  max_retries: 0,
  timeout_minutes: 2880,
  max_concurrent_runs: 1,
  node_metrics: "fast",
  tags: [],
};

/** A list answer, paged (`{results}`) or not. */
function items<T>(answer: T[] | { results: T[] }): T[] {
  return Array.isArray(answer) ? answer : answer.results;
}

/** Every job with its last run, in one request (the server finds the runs in the same query). */
export async function listJobs(signal?: AbortSignal): Promise<ListedJob[]> {
  return items(await apiGet<ListedJob[] | { results: ListedJob[] }>("/api/jobs/", { signal }));
}

export function getJob(id: number, signal?: AbortSignal): Promise<Job> {
  return apiGet<Job>(`/api/jobs/${id}/`, { signal });
}

export function createJob(job: Partial<JobSettings> & { name: string; graph: GraphDocument }): Promise<Job> {
  return apiPost<Job>("/api/jobs/", job);
}

/** Every save records a new version of the job. */
export function updateJob(id: number, change: Partial<JobSettings> & { graph?: GraphDocument }): Promise<Job> {
  return apiPatch<Job>(`/api/jobs/${id}/`, change);
}

export function deleteJob(id: number): Promise<void> {
  return apiDelete(`/api/jobs/${id}/`);
}

export async function listVersions(id: number, signal?: AbortSignal): Promise<JobVersion[]> {
  return items(await apiGet<JobVersion[] | { results: JobVersion[] }>(`/api/jobs/${id}/versions/`, { signal }));
}

export function startRun(id: number, parameters: Record<string, unknown> = {}): Promise<RunDetail> {
  return apiPost<RunDetail>(`/api/jobs/${id}/runs/`, { parameters });
}

export function getRun(id: number, signal?: AbortSignal): Promise<RunDetail> {
  return apiGet<RunDetail>(`/api/runs/${id}/`, { signal });
}

/** What an export file holds: the job's settings and its graph. */
export function exportDocument(job: Pick<Job, "name" | "graph"> & Partial<JobSettings>): string {
  const { name, description, graph, default_parameters, max_retries, timeout_minutes, max_concurrent_runs, node_metrics, tags } = job;
  return `${JSON.stringify({ name, description, default_parameters, max_retries, timeout_minutes, max_concurrent_runs, node_metrics, tags, graph }, null, 2)}\n`;
}

export function downloadText(filename: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A name not yet taken: "orders (copy)", "orders (copy 2)", ... */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = `${name} (copy)`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${name} (copy ${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}
