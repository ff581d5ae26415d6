/** The dashboard's runs section: period, tiles, charts and the runs table, all live; job runs and crawls alike. */

import { useMemo, useState } from "react";
import type { LiveStatus } from "../live/socket";
import { DurationTrendChart, RowsPerDayChart, RunsPerDayChart } from "./Charts";
import { CrawlsPanel } from "./CrawlsPanel";
import { RunsPanel } from "./RunsPanel";
import { daysBetween, durationTrend, rowsPerDay, runsPerDay, tilesOf } from "./stats";
import { RunTiles } from "./Tiles";
import { useCrawlerNames, useJobs, useRunCollection, type Subscribe } from "./useRuns";

export const PERIODS = [
  { key: "1d", label: "last 24 hours", days: 1 },
  { key: "7d", label: "last 7 days", days: 7 },
  { key: "30d", label: "last 30 days", days: 30 },
] as const;

/** At most this many runs feed the figures; more is said on the page, not hidden. */
export const PERIOD_RUN_LIMIT = 2000;

export function DashboardRuns({ subscribe, liveStatus }: { subscribe: Subscribe; liveStatus: LiveStatus }) {
  const [periodKey, setPeriodKey] = useState<string>("7d");
  const period = PERIODS.find((one) => one.key === periodKey) ?? PERIODS[1];
  // The period starts when it is chosen; runs that start later arrive as live events.
  const since = useMemo(() => new Date(Date.now() - period.days * 86_400_000), [period]);
  const filters = useMemo(() => ({ since: since.toISOString() }), [since]);
  const { jobs, names } = useJobs();
  const crawlers = useCrawlerNames();
  const periodRuns = useRunCollection(filters, {
    mode: "all",
    limit: PERIOD_RUN_LIMIT,
    subscribe,
    liveStatus,
    jobNames: names,
    source: "dashboard",
  });
  const runs = periodRuns.runs;
  const days = useMemo(() => daysBetween(since, new Date()), [since]);
  const tiles = useMemo(() => tilesOf(runs), [runs]);
  const perDay = useMemo(() => runsPerDay(runs, days), [runs, days]);
  const rows = useMemo(() => rowsPerDay(runs, days), [runs, days]);
  const trend = useMemo(() => durationTrend(runs), [runs]);

  return (
    <>
      <section className="panel" aria-labelledby="runs-overview-title">
        <div className="panel-header">
          <h2 id="runs-overview-title">Runs overview</h2>
          <label className="runs-period">
            Period{" "}
            <select value={period.key} onChange={(event) => setPeriodKey(event.target.value)} data-testid="period">
              {PERIODS.map((one) => (
                <option key={one.key} value={one.key}>
                  {one.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="panel-body">
          {periodRuns.error && (
            <p className="inline-error" role="alert">
              Could not load the period's runs: {periodRuns.error.message}
            </p>
          )}
          {periodRuns.hasMore && (
            <p className="inline-warning" role="status">
              More than {PERIOD_RUN_LIMIT} runs in this period: the figures cover the newest {PERIOD_RUN_LIMIT}.
            </p>
          )}
          {periodRuns.loading ? <p className="muted">Loading runs…</p> : <RunTiles tiles={tiles} period={period.label} />}
          <div className="runs-charts">
            <div>
              <h3 className="subheading">Runs per day by state</h3>
              <RunsPerDayChart data={perDay} />
            </div>
            <div>
              <h3 className="subheading">Duration per job and crawler</h3>
              <DurationTrendChart series={trend} />
            </div>
            <div>
              <h3 className="subheading">Rows processed</h3>
              <RowsPerDayChart data={rows} />
            </div>
          </div>
        </div>
      </section>
      <RunsPanel subscribe={subscribe} liveStatus={liveStatus} jobs={jobs} jobNames={names} crawlers={crawlers} title="Runs and crawls" />
      <CrawlsPanel subscribe={subscribe} liveStatus={liveStatus} />
    </>
  );
}
