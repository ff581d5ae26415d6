import { describe, expect, it } from "vitest";
import { toDashboardRun, toRun } from "./api";
import { daysBetween, durationTrend, rowsPerDay, runsPerDay, tilesOf } from "./stats";
import { apiRun } from "./testData";

const runs = [
  apiRun({ id: 1, state: "SUCCEEDED", created_at: "2026-11-28T10:00:00Z", rows_out: 10, execution_seconds: 2 }),
  apiRun({ id: 2, state: "SUCCEEDED", created_at: "2026-11-29T10:00:00Z", rows_out: 20, execution_seconds: 4 }),
  apiRun({ id: 3, state: "FAILED", created_at: "2026-11-29T11:00:00Z", rows_out: null, execution_seconds: 1 }),
  apiRun({ id: 4, state: "RUNNING", created_at: "2026-11-30T05:00:00Z", completed_at: null, execution_seconds: null, rows_out: null }),
  apiRun({ id: 5, state: "STOPPED", job: 8, job_name: "users", created_at: "2026-11-30T05:10:00Z", execution_seconds: 3, rows_out: null }),
].map(toRun);

describe("the dashboard's figures", () => {
  it("count runs by state, the success rate of ended runs and what runs now", () => {
    const tiles = tilesOf(runs);
    expect(tiles.total).toBe(5);
    expect(tiles.byState).toMatchObject({ SUCCEEDED: 2, FAILED: 1, RUNNING: 1, STOPPED: 1, WAITING: 0 });
    expect(tiles.successRate).toBeCloseTo(2 / 3); // STOPPED is not a failure
    expect(tiles.runningNow).toBe(1);
    expect(tilesOf([]).successRate).toBeNull();
  });

  it("group runs and rows by UTC day, every day of the period present", () => {
    const days = daysBetween(new Date("2026-11-27T23:00:00Z"), new Date("2026-11-30T06:00:00Z"));
    expect(days).toEqual(["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]);
    expect(runsPerDay(runs, days).map((row) => row.counts)).toEqual([
      {},
      { SUCCEEDED: 1 },
      { SUCCEEDED: 1, FAILED: 1 },
      { RUNNING: 1, STOPPED: 1 },
    ]);
    expect(rowsPerDay(runs, days).map((row) => row.rows)).toEqual([0, 10, 20, 0]);
  });

  it("trace each job's duration over time from its ended runs", () => {
    const trend = durationTrend(runs);
    expect(trend.map((series) => series.name)).toEqual(["orders", "users"]);
    expect(trend[0]?.points.map((point) => [point.run, point.seconds])).toEqual([
      [1, 2],
      [2, 4],
      [3, 1],
    ]);
  });

  it("count crawls with job runs: by state, in the success rate and running now, and trace each crawler's duration", () => {
    const crawl = (id: number, state: string, name: string, seconds: number | null) =>
      toDashboardRun({
        kind: "crawl", id, name, crawler: name, job: null, state, trigger: "user",
        created_at: `2026-11-30T0${id}:00:00Z`, started_at: `2026-11-30T0${id}:00:00Z`,
        completed_at: seconds === null ? null : `2026-11-30T0${id}:00:0${seconds}Z`, execution_seconds: seconds,
        rows_out: null, tables_changed: 1, error: state === "FAILED" ? "no such bucket" : null,
      });
    // Crawl 1 shares its id with job run 1, and crawler "orders" its name with job "orders".
    const crawls = [crawl(1, "SUCCEEDED", "orders", 4), crawl(2, "FAILED", "lake", 1), crawl(3, "RUNNING", "lake", null)];
    const all = [...runs, ...crawls];
    const tiles = tilesOf(all);
    expect(tiles.total).toBe(8);
    expect(tiles.byKind).toEqual({ job: 5, crawl: 3 });
    expect(tiles.byState).toMatchObject({ SUCCEEDED: 3, FAILED: 2, RUNNING: 2 });
    expect(tiles.successRate).toBeCloseTo(3 / 5);
    expect(tiles.runningNow).toBe(2);
    expect(crawls[1]?.error?.message).toBe("no such bucket");

    const trend = durationTrend(all);
    expect(trend.map((series) => [series.kind, series.name, series.points.length])).toEqual([
      ["job", "orders", 3],
      ["crawl", "lake", 1],
      ["crawl", "orders", 1],
      ["job", "users", 1],
    ]);
    expect(new Set(trend.map((series) => series.key)).size).toBe(4);
    const days = daysBetween(new Date("2026-11-30T00:00:00Z"), new Date("2026-11-30T06:00:00Z"));
    expect(runsPerDay(all, days)[0]?.counts).toEqual({ RUNNING: 2, STOPPED: 1, SUCCEEDED: 1, FAILED: 1 });
    expect(rowsPerDay(all, days)[0]?.rows).toBe(0); // crawls write no rows
  });
});
