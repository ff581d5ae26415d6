/**
 * The dashboard's crawls: each crawler's latest crawl, from GET /api/crawlers/,
 * kept live by `crawl.state` events (docs/runs.md "Crawler runs"). A newer
 * crawl replaces an older one; within a crawl only a higher `seq` counts, so a
 * replay changes nothing twice.
 */

import { apiGet } from "../api/client";
import type { LiveEvent } from "../live/socket";

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
