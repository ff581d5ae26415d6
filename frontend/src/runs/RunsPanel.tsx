import { useMemo, useState } from "react";
import type { LiveStatus } from "../live/socket";
import type { JobSummary } from "./api";
import { NO_FILTERS, RunFiltersForm, RunsTable, toRunFilters, type TableFilters } from "./RunsTable";
import { useRunCollection, type Subscribe } from "./useRuns";

export const TABLE_PAGE_SIZE = 25;

/** A filterable, paginated runs table that follows the live channel. */
export function RunsPanel({
  subscribe,
  liveStatus,
  jobs,
  jobNames,
  title = "Runs",
}: {
  subscribe: Subscribe;
  liveStatus: LiveStatus;
  jobs: readonly JobSummary[];
  jobNames: ReadonlyMap<number, string>;
  title?: string;
}) {
  const [form, setForm] = useState<TableFilters>(NO_FILTERS);
  const filters = useMemo(() => toRunFilters(form), [form]);
  const collection = useRunCollection(filters, { mode: "paged", limit: TABLE_PAGE_SIZE, subscribe, liveStatus, jobNames });
  return (
    <section className="panel" aria-labelledby="runs-table-title">
      <div className="panel-header">
        <h2 id="runs-table-title">{title}</h2>
      </div>
      <div className="panel-body">
        <RunFiltersForm value={form} onChange={setForm} jobs={jobs} />
        <RunsTable collection={collection} />
      </div>
    </section>
  );
}
