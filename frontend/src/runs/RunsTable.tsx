/** The runs table with its filters, shared by the dashboard and the Runs page. */

import { Link } from "react-router";
import { runKey, runKind, runLink, type JobSummary, type Run, type RunFilters } from "./api";
import { formatCount, formatDuration, formatTime } from "./format";
import { StateBadge } from "./StateBadge";
import { RUN_STATES, TRIGGERS } from "./states";
import type { RunCollection } from "./useRuns";

/** What the filter form holds: dates as YYYY-MM-DD (UTC days), the rest as the API takes them. */
export interface TableFilters {
  /** "", "job" or "crawl" (the dashboard's list only). */
  kind: string;
  /** A job's id, or `crawler:<name>` (the dashboard's list only). */
  job: string;
  state: string;
  trigger: string;
  from: string;
  to: string;
}

export const NO_FILTERS: TableFilters = { kind: "", job: "", state: "", trigger: "", from: "", to: "" };

const CRAWLER = "crawler:";
export const crawlerOption = (name: string) => `${CRAWLER}${name}`;

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/** The API's filters for the form: `to` includes that whole day. */
export function toRunFilters(form: TableFilters): RunFilters {
  const filters: RunFilters = {};
  if (form.kind) filters.kind = form.kind;
  if (form.job.startsWith(CRAWLER)) filters.crawler = form.job.slice(CRAWLER.length);
  else if (form.job) filters.job = form.job;
  if (form.state) filters.state = form.state;
  if (form.trigger) filters.trigger = form.trigger;
  if (form.from) filters.since = new Date(`${form.from}T00:00:00Z`).toISOString();
  if (form.to) filters.until = nextDay(form.to);
  return filters;
}

export function RunFiltersForm({
  value,
  onChange,
  jobs,
  crawlers,
}: {
  value: TableFilters;
  onChange: (next: TableFilters) => void;
  jobs: readonly JobSummary[];
  /** Given on the dashboard, whose list holds crawls too: adds the kind filter and crawlers to pick. */
  crawlers?: readonly string[];
}) {
  const set = (field: keyof TableFilters) => (event: { target: { value: string } }) => onChange({ ...value, [field]: event.target.value });
  const setKind = (event: { target: { value: string } }) => {
    const kind = event.target.value;
    // A job or crawler picked before stays only if it is of the kind now chosen.
    const ofKind = !kind || (kind === "crawl") === value.job.startsWith(CRAWLER);
    onChange({ ...value, kind, job: ofKind ? value.job : "" });
  };
  const jobOptions = jobs.map((job) => (
    <option key={job.id} value={String(job.id)}>
      {job.name}
    </option>
  ));
  return (
    <form className="runs-filters" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
      {crawlers && (
        <label>
          Kind
          <select value={value.kind} onChange={setKind} data-testid="filter-kind">
            <option value="">Jobs and crawls</option>
            <option value="job">Job runs</option>
            <option value="crawl">Crawls</option>
          </select>
        </label>
      )}
      <label>
        {crawlers ? "Job or crawler" : "Job"}
        <select value={value.job} onChange={set("job")} data-testid="filter-job">
          <option value="">{crawlers ? "All jobs and crawlers" : "All jobs"}</option>
          {!crawlers && jobOptions}
          {crawlers && value.kind !== "crawl" && <optgroup label="Jobs">{jobOptions}</optgroup>}
          {crawlers && value.kind !== "job" && (
            <optgroup label="Crawlers">
              {crawlers.map((name) => (
                <option key={name} value={crawlerOption(name)}>
                  {name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      <label>
        State
        <select value={value.state} onChange={set("state")} data-testid="filter-state">
          <option value="">All states</option>
          {RUN_STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
      </label>
      <label>
        Trigger
        <select value={value.trigger} onChange={set("trigger")} data-testid="filter-trigger">
          <option value="">All triggers</option>
          {TRIGGERS.map((trigger) => (
            <option key={trigger} value={trigger}>
              {trigger}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={value.from} onChange={set("from")} data-testid="filter-from" />
      </label>
      <label>
        To
        <input type="date" value={value.to} onChange={set("to")} data-testid="filter-to" />
      </label>
      {value !== NO_FILTERS && Object.values(value).some(Boolean) && (
        <button type="button" className="button runs-button-secondary" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </form>
  );
}

/** Row and badge test ids: a job run's as before, a crawl's prefixed (ids are per kind). */
function testIds(run: Run): { row: string; state: string } {
  const prefix = runKind(run) === "crawl" ? "crawl-run" : "run";
  return { row: `${prefix}-row-${run.id}`, state: `${prefix}-state-${run.id}` };
}

export function RunsTable({ collection, showKind = false }: { collection: RunCollection; showKind?: boolean }) {
  const { runs, loading, error, hasMore, loadMore } = collection;
  return (
    <div className="runs-table">
      {error && (
        <p className="inline-error" role="alert">
          Could not load runs: {error.message}
        </p>
      )}
      {runs.length === 0 && !loading && !error ? (
        <p className="muted" data-testid="runs-empty">
          No runs match.
        </p>
      ) : (
        <table className="data-table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              {showKind && <th scope="col">Kind</th>}
              <th scope="col">{showKind ? "Job or crawler" : "Job"}</th>
              <th scope="col">State</th>
              <th scope="col">Trigger</th>
              <th scope="col">Started</th>
              <th scope="col" className="numeric">
                Duration
              </th>
              <th scope="col" className="numeric">
                Rows
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const ids = testIds(run);
              const crawl = runKind(run) === "crawl";
              return (
                <tr key={runKey(run)} data-testid={ids.row} data-state={run.state} data-kind={runKind(run)}>
                  <td>
                    <Link to={runLink(run)}>#{run.id}</Link>
                    {run.attempt > 0 && <span className="muted"> (attempt {run.attempt})</span>}
                  </td>
                  {showKind && <td>{crawl ? "crawl" : "job"}</td>}
                  <td>
                    {run.job_name}
                    {run.dry_run && <span className="muted"> (dry run)</span>}
                  </td>
                  <td>
                    <StateBadge state={run.state} testId={ids.state} />
                  </td>
                  <td>{run.trigger}</td>
                  <td>{formatTime(run.started_at ?? run.created_at)}</td>
                  <td className="numeric">{formatDuration(run.execution_seconds)}</td>
                  <td className="numeric">{formatCount(run.rows_out)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        {loading && <span className="muted">Loading runs…</span>}
        {hasMore && !loading && (
          <button type="button" className="button runs-button-secondary" onClick={loadMore} data-testid="runs-more">
            Show more runs
          </button>
        )}
      </div>
    </div>
  );
}
