/** The runs table with its filters, shared by the dashboard and the Runs page. */

import { Link } from "react-router";
import type { JobSummary, RunFilters } from "./api";
import { formatCount, formatDuration, formatTime } from "./format";
import { StateBadge } from "./StateBadge";
import { RUN_STATES, TRIGGERS } from "./states";
import type { RunCollection } from "./useRuns";

/** What the filter form holds: dates as YYYY-MM-DD (UTC days), the rest as the API takes them. */
export interface TableFilters {
  job: string;
  state: string;
  trigger: string;
  from: string;
  to: string;
}

export const NO_FILTERS: TableFilters = { job: "", state: "", trigger: "", from: "", to: "" };

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/** The API's filters for the form: `to` includes that whole day. */
export function toRunFilters(form: TableFilters): RunFilters {
  const filters: RunFilters = {};
  if (form.job) filters.job = form.job;
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
}: {
  value: TableFilters;
  onChange: (next: TableFilters) => void;
  jobs: readonly JobSummary[];
}) {
  const set = (field: keyof TableFilters) => (event: { target: { value: string } }) => onChange({ ...value, [field]: event.target.value });
  return (
    <form className="runs-filters" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
      <label>
        Job
        <select value={value.job} onChange={set("job")} data-testid="filter-job">
          <option value="">All jobs</option>
          {jobs.map((job) => (
            <option key={job.id} value={String(job.id)}>
              {job.name}
            </option>
          ))}
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

export function RunsTable({ collection }: { collection: RunCollection }) {
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
              <th scope="col">Job</th>
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
            {runs.map((run) => (
              <tr key={run.id} data-testid={`run-row-${run.id}`} data-state={run.state}>
                <td>
                  <Link to={`/runs/${run.id}`}>#{run.id}</Link>
                  {run.attempt > 0 && <span className="muted"> (attempt {run.attempt})</span>}
                </td>
                <td>{run.job_name}</td>
                <td>
                  <StateBadge state={run.state} testId={`run-state-${run.id}`} />
                </td>
                <td>{run.trigger}</td>
                <td>{formatTime(run.started_at ?? run.created_at)}</td>
                <td className="numeric">{formatDuration(run.execution_seconds)}</td>
                <td className="numeric">{formatCount(run.rows_out)}</td>
              </tr>
            ))}
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
