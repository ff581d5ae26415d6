import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../live/socket";
import { applyCrawlEvent, toCrawlRow, type CrawlRow } from "./crawls";

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
