/** The dashboard's figures, computed from the runs of the chosen period: job runs and crawls alike. */

import { runKind, type Run } from "./api";
import { dayOf } from "./format";
import { ACTIVE_STATES, FAILED_STATES, RUN_STATES } from "./states";

export interface Tiles {
  total: number;
  byState: Record<string, number>;
  /** Succeeded / (succeeded + failed + timed out + errored); null before any run ended that way. */
  successRate: number | null;
  runningNow: number;
  /** Job runs and crawls among `total`. */
  byKind: { job: number; crawl: number };
}

export function tilesOf(runs: readonly Run[]): Tiles {
  const byState: Record<string, number> = Object.fromEntries(RUN_STATES.map((state) => [state, 0]));
  for (const run of runs) byState[run.state] = (byState[run.state] ?? 0) + 1;
  const succeeded = byState.SUCCEEDED ?? 0;
  const failed = [...FAILED_STATES].reduce((sum, state) => sum + (byState[state] ?? 0), 0);
  return {
    total: runs.length,
    byState,
    successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    runningNow: runs.filter((run) => ACTIVE_STATES.has(run.state)).length,
    byKind: { job: runs.filter((run) => runKind(run) === "job").length, crawl: runs.filter((run) => runKind(run) === "crawl").length },
  };
}

/** Every UTC day from `from` to `to`, inclusive, as YYYY-MM-DD. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const last = dayOf(to.toISOString());
  while (days.length < 400) {
    const text = day.toISOString().slice(0, 10);
    days.push(text);
    if (text >= last) break;
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

export interface DayCounts {
  day: string;
  counts: Record<string, number>;
}

export function runsPerDay(runs: readonly Run[], days: readonly string[]): DayCounts[] {
  const rows = new Map(days.map((day) => [day, {} as Record<string, number>]));
  for (const run of runs) {
    const counts = rows.get(dayOf(run.created_at));
    if (counts) counts[run.state] = (counts[run.state] ?? 0) + 1;
  }
  return days.map((day) => ({ day, counts: rows.get(day) ?? {} }));
}

export function rowsPerDay(runs: readonly Run[], days: readonly string[]): { day: string; rows: number }[] {
  const sums = new Map(days.map((day) => [day, 0]));
  for (const run of runs) {
    const day = dayOf(run.created_at);
    if (run.rows_out !== null && sums.has(day)) sums.set(day, (sums.get(day) ?? 0) + run.rows_out);
  }
  return days.map((day) => ({ day, rows: sums.get(day) ?? 0 }));
}

export interface DurationSeries {
  /** One series per job, and one per crawler: `job-<id>` or `crawl-<name>`. */
  key: string;
  kind: "job" | "crawl";
  name: string;
  points: { at: number; seconds: number; run: number }[];
}

/** Execution time of each ended run, per job or crawler, oldest first; the `limit` with most runs. */
export function durationTrend(runs: readonly Run[], limit = 5): DurationSeries[] {
  const byJob = new Map<string, DurationSeries>();
  for (const run of runs) {
    if (run.execution_seconds === null || !run.completed_at) continue;
    const kind = runKind(run);
    // Crawlers are known by name (a crawl event carries no crawler id).
    const key = kind === "crawl" ? `crawl-${run.job_name}` : `job-${run.job}`;
    const series = byJob.get(key) ?? { key, kind, name: run.job_name, points: [] };
    series.points.push({ at: Date.parse(run.created_at), seconds: run.execution_seconds, run: run.id });
    byJob.set(key, series);
  }
  return [...byJob.values()]
    .sort((a, b) => b.points.length - a.points.length || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((series) => ({ ...series, points: [...series.points].sort((a, b) => a.at - b.at) }));
}
