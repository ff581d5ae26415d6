import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/socket";
import { toDashboardRun } from "./api";
import { applyCrawlEvent, applyCrawlRunEvent, mergeCrawlRecord, toCrawlRow, type CrawlRow } from "./crawls";
import { EMPTY_RUNS, mergeRuns } from "./liveRuns";

const crawlEvent = (crawler: string, crawl: number, seq: number, state: string): LiveEvent => ({
  type: "crawl.state",
  crawl,
  seq,
  id: crawl * 100 + seq,
  at: "2026-11-30T06:00:00Z",
  crawler,
  state,
  dry_run: false,
});

describe("the dashboard's crawls", () => {
  const rows: readonly CrawlRow[] = [
    toCrawlRow({ name: "lake", last_run: { id: 4, state: "SUCCEEDED", started_at: "2026-11-29T10:00:00Z", tables_created: 2, tables_updated: 1 } }),
    toCrawlRow({ name: "never", last_run: null }),
  ];

  it("reads each crawler's latest crawl", () => {
    expect(rows[0]).toMatchObject({ crawler: "lake", run: 4, state: "SUCCEEDED", tablesChanged: 3 });
    expect(rows[1]).toMatchObject({ crawler: "never", run: null, tablesChanged: null });
  });

  it("follows a new crawl's states and ignores replays and older crawls", () => {
    let next = applyCrawlEvent(rows, crawlEvent("lake", 5, 1, "RUNNING"));
    expect(next[0]).toMatchObject({ run: 5, state: "RUNNING", tablesChanged: null });
    next = applyCrawlEvent(next, crawlEvent("lake", 5, 2, "SUCCEEDED"));
    const settled = next;
    next = applyCrawlEvent(next, crawlEvent("lake", 5, 1, "RUNNING")); // replayed
    next = applyCrawlEvent(next, crawlEvent("lake", 4, 3, "FAILED")); // an older crawl
    expect(next).toBe(settled);
    expect(next[0]?.state).toBe("SUCCEEDED");
  });

  it("adds a crawler it did not know, in name order", () => {
    const next = applyCrawlEvent(rows, crawlEvent("alpha", 9, 1, "RUNNING"));
    expect(next.map((row) => row.crawler)).toEqual(["alpha", "lake", "never"]);
  });
});

describe("crawls as rows of the runs list", () => {
  const record = (id: number, overrides: Record<string, unknown> = {}) =>
    toDashboardRun({ kind: "crawl", id, name: "lake", crawler: "lake", state: "RUNNING", trigger: "user", created_at: "2026-11-30T06:00:00Z", ...overrides });

  it("adds a new crawl named after its crawler, moves it on, and applies each event once", () => {
    const added = applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "WAITING"));
    expect(added.runs.map((run) => [run.kind, run.id, run.job_name, run.state])).toEqual([["crawl", 5, "lake", "WAITING"]]);
    expect(added.pending).toEqual([5]);
    const moved = applyCrawlRunEvent(added, crawlEvent("lake", 5, 2, "RUNNING"));
    expect(moved.runs[0]?.state).toBe("RUNNING");
    expect(applyCrawlRunEvent(moved, crawlEvent("lake", 5, 2, "RUNNING"))).toBe(moved);
    expect(applyCrawlRunEvent(moved, crawlEvent("lake", 5, 1, "WAITING")).runs[0]?.state).toBe("RUNNING");
    const ended = applyCrawlRunEvent(moved, crawlEvent("lake", 5, 3, "SUCCEEDED"));
    expect(ended.runs[0]?.completed_at).toBe("2026-11-30T06:00:00Z");
  });

  it("leaves out crawls the filters exclude, and every crawl from a list of job runs", () => {
    expect(applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "WAITING"), { crawler: "sales" }).runs).toEqual([]);
    expect(applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "WAITING"), { kind: "job" }).runs).toEqual([]);
    expect(applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "WAITING"), { job: "7" }).runs).toEqual([]);
    expect(applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "RUNNING"), { state: "FAILED" }).runs).toEqual([]);
    expect(applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "FAILED"), { state: "FAILED" }).runs).toHaveLength(1);
  });

  it("with a trigger filter, lists a new crawl only once its record shows who started it", () => {
    const waiting = applyCrawlRunEvent(EMPTY_RUNS, crawlEvent("lake", 5, 1, "RUNNING"), { trigger: "schedule" });
    expect(waiting.runs).toEqual([]);
    expect(waiting.pending).toEqual([5]);
    const byUser = mergeCrawlRecord(waiting, record(5), { trigger: "schedule" });
    expect(byUser.runs).toEqual([]);
    expect(byUser.pending).toEqual([]);
    const scheduled = mergeCrawlRecord(waiting, record(5, { trigger: "schedule" }), { trigger: "schedule" });
    expect(scheduled.runs.map((run) => run.id)).toEqual([5]);
  });

  it("merges the record of a listed crawl whatever the filters", () => {
    const listed = mergeRuns(EMPTY_RUNS, [record(5)]);
    const merged = mergeCrawlRecord(listed, record(5, { state: "SUCCEEDED", tables_changed: 3 }), { state: "RUNNING" });
    expect(merged.runs.map((run) => [run.state, run.tables_changed])).toEqual([["SUCCEEDED", 3]]);
  });
});
