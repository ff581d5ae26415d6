import { useEffect, useState } from "react";
import { apiGet, apiPost, type ApiError } from "../api/client";
import { catalogApi, type ColumnStatistics, type StatisticsRun, type Table } from "./api";
import { asApiError, useApiGet, useCanEdit } from "./hooks";
import { ErrorText, formatCount, Loading, Section } from "./widgets";

const FINISHED = new Set(["SUCCEEDED", "FAILED"]);

/** A small horizontal bar: `part` of `whole`, with the figure beside it. */
export function Bar({ part, whole, label, testId }: { part: number | null; whole: number | null; label: string; testId: string }) {
  if (part === null || whole === null) return <span className="muted">—</span>;
  const share = whole > 0 ? Math.min(1, part / whole) : 0;
  const percent = Math.round(share * 1000) / 10;
  return (
    <span className="catalog-bar" data-testid={testId} title={`${label}: ${part} of ${whole} (${percent}%)`}>
      <span className="catalog-bar-track" aria-hidden="true">
        <span className="catalog-bar-fill" style={{ width: `${share * 100}%` }} />
      </span>
      <span className="catalog-bar-figure">
        {formatCount(part)} <span className="muted">({percent}%)</span>
      </span>
    </span>
  );
}

function StatisticsTable({ stats }: { stats: ColumnStatistics[] }) {
  return (
    <table className="data-table" data-testid="statistics-table">
      <thead>
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col" className="numeric">
            Rows
          </th>
          <th scope="col">Nulls</th>
          <th scope="col">Distinct</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((s) => (
          <tr key={s.column} data-column={s.column}>
            <td>{s.column}</td>
            <td>
              <code className="catalog-type">{s.type}</code>
            </td>
            <td className="numeric">{formatCount(s.row_count)}</td>
            <td>
              <Bar part={s.null_count} whole={s.row_count} label="nulls" testId="stat-nulls" />
            </td>
            <td>
              <Bar part={s.distinct_count} whole={s.row_count} label="distinct values" testId="stat-distinct" />
            </td>
            <td>{s.min ?? "—"}</td>
            <td>{s.max ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Follow a statistics run until it finishes; `onDone` gets the final run. */
function usePolledRun(
  table: Table,
  run: StatisticsRun | null,
  pollMs: number,
  onDone: (run: StatisticsRun) => void,
): [StatisticsRun | null, ApiError | null] {
  const [current, setCurrent] = useState<StatisticsRun | null>(run);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setCurrent(run);
    setError(null);
    if (!run || FINISHED.has(run.state)) return;
    let stopped = false;
    let timer = 0;
    const poll = () => {
      apiGet<StatisticsRun>(catalogApi.statisticsRun(table.database, table.name, run.id)).then(
        (next) => {
          if (stopped) return;
          setCurrent(next);
          if (FINISHED.has(next.state)) onDone(next);
          else timer = window.setTimeout(poll, pollMs);
        },
        (failure: unknown) => {
          if (!stopped) setError(asApiError(failure));
        },
      );
    };
    timer = window.setTimeout(poll, pollMs);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // onDone is a fresh closure each render; the run decides when to poll.
  }, [run, pollMs, table.database, table.name]);
  return [current, error];
}

/** Column statistics with bar charts; editors can ask a worker to compute them and watch the run. */
export function StatisticsSection({ table, pollMs = 1000 }: { table: Table; pollMs?: number }) {
  const canEdit = useCanEdit();
  const [loaded, reload] = useApiGet<{ results: ColumnStatistics[] }>(catalogApi.statistics(table.database, table.name));
  const [started, setStarted] = useState<StatisticsRun | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [run, pollError] = usePolledRun(table, started, pollMs, (finished) => {
    if (finished.state === "SUCCEEDED") reload();
  });
  const busy = run !== null && !FINISHED.has(run.state);

  const compute = () => {
    setStartError(null);
    apiPost<StatisticsRun>(catalogApi.computeStatistics(table.database, table.name), {}).then(setStarted, (failure: unknown) =>
      setStartError(asApiError(failure)),
    );
  };

  return (
    <Section
      title="Column statistics"
      testId="statistics"
      actions={
        canEdit && (
          <button type="button" className="button" data-testid="compute-statistics" onClick={compute} disabled={busy}>
            {busy ? "Computing…" : "Compute statistics"}
          </button>
        )
      }
    >
      <ErrorText error={startError ?? pollError} testId="statistics-error" />
      {run && (
        <p data-testid="statistics-run" data-state={run.state} className={run.state === "FAILED" ? "inline-error" : "muted"}>
          Statistics run {run.id}: {run.state.toLowerCase()}
          {run.error ? ` — ${run.error}` : ""}
        </p>
      )}
      {loaded.status === "loading" && <Loading what="statistics" />}
      {loaded.status === "error" && <ErrorText error={loaded.error} />}
      {loaded.status === "ready" &&
        (loaded.data.results.length > 0 ? (
          <StatisticsTable stats={loaded.data.results} />
        ) : (
          <p className="muted" data-testid="statistics-empty">
            No statistics yet{canEdit ? ": compute them with the button above." : "."}
          </p>
        ))}
    </Section>
  );
}
