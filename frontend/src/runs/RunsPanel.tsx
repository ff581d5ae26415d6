import { useMemo, useState } from "react";
import type { LiveStatus } from "../live/socket";
import type { JobSummary } from "./api";
import { NO_FILTERS, RunFiltersForm, RunsTable, toRunFilters, type TableFilters } from "./RunsTable";
import { useRunCollection, type Subscribe } from "./useRuns";

export const TABLE_PAGE_SIZE = 25;

/** A filterable, paginated runs table that follows the live channel; on the dashboard, with crawls. */
export function RunsPanel({
  subscribe,
  liveStatus,
  jobs,
  jobNames,
  crawlers,
  title = "Runs",
}: {
  subscribe: Subscribe;
  liveStatus: LiveStatus;
  jobs: readonly JobSummary[];
  jobNames: ReadonlyMap<number, string>;
  /** Given: the table lists crawls too (the dashboard), with these crawlers to filter by. */
  crawlers?: readonly string[];
  title?: string;
}) {
  const [form, setForm] = useState<TableFilters>(NO_FILTERS);
  const filters = useMemo(() => toRunFilters(form), [form]);
  const source = crawlers ? "dashboard" : "runs";
  const collection = useRunCollection(filters, { mode: "paged", limit: TABLE_PAGE_SIZE, subscribe, liveStatus, jobNames, source });
  return (
    <section className="panel" aria-labelledby="runs-table-title">
      <div className="panel-header">
        <h2 id="runs-table-title">{title}</h2>
      </div>
      <div className="panel-body">
        <RunFiltersForm value={form} onChange={setForm} jobs={jobs} crawlers={crawlers} />
        <RunsTable collection={collection} showKind={crawlers !== undefined} />
      </div>
    </section>
  );
}
