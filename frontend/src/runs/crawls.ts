/**
 * The dashboard's crawls: each crawler's latest crawl, from GET /api/crawlers/,
 * kept live by `crawl.state` events (docs/runs.md "Crawler runs"). A newer
 * crawl replaces an older one; within a crawl only a higher `seq` counts, so a
 * replay changes nothing twice. Below: crawls as rows of the runs list.
 */

import { apiGet } from "../api/client";
import type { LiveEvent } from "../live/socket";
import type { Run, RunFilters } from "./api";
import { applyRunEvent, dropPending, matchesFilters, mergeRuns, type RunsState } from "./liveRuns";

export const CRAWLERS_API = "/api/crawlers/";

export interface CrawlRow {
  crawler: string;
  run: number | null;
  state: string;
  dryRun: boolean;
  startedAt: string | null;
  /** Tables created + updated by the crawl (known once the record is read). */
  tablesChanged: number | null;
  seq: number;
}

type Raw = Record<string, unknown>;

function record(value: unknown): Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Raw) : {};
}

export function toCrawlRow(raw: unknown): CrawlRow {
  const crawler = record(raw);
  const last = crawler.last_run === null || crawler.last_run === undefined ? null : record(crawler.last_run);
  const changed = last ? Number(last.tables_created ?? 0) + Number(last.tables_updated ?? 0) : null;
  return {
    crawler: String(crawler.name ?? ""),
    run: last && typeof last.id === "number" ? last.id : null,
    state: last && typeof last.state === "string" ? last.state : "READY",
    dryRun: Boolean(last?.dry_run),
    startedAt: last && typeof last.started_at === "string" ? last.started_at : null,
    tablesChanged: changed !== null && Number.isFinite(changed) ? changed : null,
    seq: 0,
  };
}

export async function fetchCrawls(signal?: AbortSignal): Promise<CrawlRow[]> {
  const raw = await apiGet<unknown>(CRAWLERS_API, { signal });
  const list = Array.isArray(raw) ? raw : record(raw).results;
  return Array.isArray(list) ? list.map(toCrawlRow) : [];
}

export function applyCrawlEvent(rows: readonly CrawlRow[], event: LiveEvent): readonly CrawlRow[] {
  if (event.type !== "crawl.state" || typeof event.crawl !== "number" || typeof event.state !== "string") return rows;
  if (typeof event.crawler !== "string") return rows;
  const index = rows.findIndex((row) => row.crawler === event.crawler);
  const existing = index >= 0 ? rows[index] : undefined;
  if (existing && existing.run !== null) {
    if (event.crawl < existing.run) return rows;
    if (event.crawl === existing.run && event.seq <= existing.seq) return rows;
  }
  const row: CrawlRow = {
    crawler: event.crawler,
    run: event.crawl,
    state: event.state,
    dryRun: Boolean(event.dry_run),
    startedAt: existing && existing.run === event.crawl ? existing.startedAt : event.at,
    tablesChanged: existing && existing.run === event.crawl ? existing.tablesChanged : null,
    seq: event.seq,
  };
  if (!existing) return [...rows, row].sort((a, b) => a.crawler.localeCompare(b.crawler));
  const next = [...rows];
  next[index] = row;
  return next;
}

/**
 * Crawls as rows of the dashboard's runs list. A `crawl.state` event is applied the way a
 * job run's `run.state` is (liveRuns.ts: once per event id, only a higher seq per crawl, a new
 * crawl joins when it matches the filters, its record is then fetched), on a list of crawls of
 * its own: crawl ids and job run ids are separate sequences.
 */
export function applyCrawlRunEvent(current: RunsState, event: LiveEvent, filters: RunFilters = {}): RunsState {
  if (event.type !== "crawl.state" || typeof event.crawl !== "number" || typeof event.state !== "string") return current;
  if (filters.kind === "job" || filters.job) return current;
  const id = event.crawl;
  const crawler = typeof event.crawler === "string" ? event.crawler : "";
  const listed = current.runs.some((run) => run.id === id);
  if (!listed && filters.crawler && crawler !== filters.crawler) return current;
  // As a run.state event of a "job" the filters cannot tell apart (its trigger is not in the event).
  const asRun: LiveEvent = { ...event, type: "run.state", run: id, job: 0, attempt: 0, trigger: "user" };
  const { state, since, until } = filters;
  const next = applyRunEvent(current, asRun, { state, since, until });
  if (listed || next.runs === current.runs) return next;
  // A crawl the event added: named after its crawler. Whether it was started by a user or the
  // scheduler is known only from its record: with a trigger filter it waits for that (mergeCrawlRecord).
  const runs = filters.trigger
    ? next.runs.filter((run) => run.id !== id)
    : next.runs.map((run) => (run.id === id ? { ...run, kind: "crawl" as const, job_name: crawler, dry_run: event.dry_run === true } : run));
  return { ...next, runs };
}

/** Does a crawl belong in a list with these filters? (The rules the server applies.) */
export function crawlMatches(run: Run, filters: RunFilters): boolean {
  if (filters.kind === "job" || filters.job) return false;
  if (filters.crawler && run.job_name !== filters.crawler) return false;
  return matchesFilters(run, filters); // state, trigger and dates: the same rules as job runs
}

/** A crawl's record, fetched because an event told of it: merged if listed or if it matches the filters. */
export function mergeCrawlRecord(current: RunsState, run: Run, filters: RunFilters): RunsState {
  const listed = current.runs.some((other) => other.id === run.id);
  return listed || crawlMatches(run, filters) ? mergeRuns(current, [run]) : dropPending(current, run.id);
}
