/** /runs/:id: one run, live: timeline, graph, nodes, log, error, parameters, stop and run again. */

import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/client";
import { PageHeader } from "../components/PageHeader";
import { useLiveChannel } from "../live/LiveContext";
import type { LiveEvent } from "../live/socket";
import { useSession } from "../session";
import { fetchRun, runLogPath, startJob, stopRun, type RunDetail } from "./api";
import { formatCount, formatDuration, formatMs, formatTime } from "./format";
import { rowsCell } from "./nodeLive";
import type { NodeFigures } from "./RunGraph";
import { applyRunViewEvent, currentState, EMPTY_VIEW, type RunView } from "./runView";
import { StateBadge } from "./StateBadge";
import { isFinal, STOPPABLE_STATES } from "./states";

// React Flow is loaded with the first run page, not with every page of the app.
const RunGraph = lazy(() => import("./RunGraph").then((module) => ({ default: module.RunGraph })));

type Loaded = { status: "loading" } | { status: "ready"; run: RunDetail } | { status: "error"; error: ApiError };

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));
}

function useRunDetail(id: number, ended: boolean): Loaded {
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });
  // Read again when the run ends: rows, timings, error and outputs are final then.
  useEffect(() => {
    const controller = new AbortController();
    fetchRun(id, controller.signal, true).then(
      (run) => setLoaded({ status: "ready", run }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLoaded((previous) => (previous.status === "ready" ? previous : { status: "error", error: asApiError(error) }));
      },
    );
    return () => controller.abort();
  }, [id, ended]);
  return loaded;
}

function Timeline({ view, run }: { view: RunView; run: RunDetail }) {
  const entries = view.timeline.length > 0 ? view.timeline : [{ state: run.state, at: run.started_at ?? run.created_at, seq: 0 }];
  return (
    <ol className="run-timeline" data-testid="run-timeline">
      {entries.map((entry, index) => {
        const next = entries[index + 1];
        const seconds = next ? (Date.parse(next.at) - Date.parse(entry.at)) / 1000 : null;
        return (
          <li key={`${entry.seq}-${entry.state}`} data-state={entry.state}>
            <StateBadge state={entry.state} />
            <span>{formatTime(entry.at)}</span>
            {seconds !== null && <span className="muted">for {formatDuration(seconds)}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * What a typed box means. A parameter whose value was text stays text (so "2024" is not turned into a
 * number); any other is read as `glue run --param k=v` reads it: JSON when it parses (10, true, [1]), else the text.
 */
export function parseParameterInput(text: string, previous: unknown): unknown {
  if (typeof previous === "string") return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parameterText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Inputs for every parameter of the run, filled with its values; starting sends what was typed. */
function ParameterForm({ run, busy, onStart }: { run: RunDetail; busy: boolean; onStart: (parameters: Record<string, unknown>) => void }) {
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(run.parameters).map(([name, value]) => [name, parameterText(value)])),
  );
  const names = Object.keys(texts);
  return (
    <form
      // The dashboard filters' layout (labelled inputs in a row), on a line of its own in the toolbar.
      className="runs-filters"
      style={{ flexBasis: "100%" }}
      data-testid="run-parameters-form"
      onSubmit={(event) => {
        event.preventDefault();
        onStart(Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, parseParameterInput(text, run.parameters[name])])));
      }}
    >
      {names.length === 0 && <p className="muted">The job declares no parameters.</p>}
      {names.map((name) => (
        <label key={name}>
          <span>{name}</span>
          <input
            value={texts[name]}
            onChange={(event) => setTexts((current) => ({ ...current, [name]: event.target.value }))}
            data-testid={`run-parameter-${name}`}
          />
        </label>
      ))}
      <button type="submit" className="button" disabled={busy} data-testid="run-start-with-parameters">
        {busy ? "Starting…" : "Start with these values"}
      </button>
    </form>
  );
}

function Actions({ run, state, canOperate }: { run: RunDetail; state: string; canOperate: boolean }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState<"stop" | "start" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  if (!canOperate) return null;

  async function act(kind: "stop" | "start", parameters: Record<string, unknown> = run.parameters) {
    setBusy(kind);
    setError(null);
    try {
      if (kind === "stop") {
        await stopRun(run.id);
      } else {
        // The job's current version runs; a value it does not declare is refused, naming `parameters.<name>`.
        const started = await startJob(run.job, parameters);
        navigate(`/runs/${started.id}`);
      }
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="toolbar run-actions">
      {STOPPABLE_STATES.has(state) && (
        <button type="button" className="button runs-button-danger" onClick={() => void act("stop")} disabled={busy !== null} data-testid="run-stop">
          {busy === "stop" ? "Stopping…" : "Stop"}
        </button>
      )}
      <button type="button" className="button" onClick={() => void act("start")} disabled={busy !== null} data-testid="run-again">
        {busy === "start" ? "Starting…" : "Run again"}
      </button>
      <button type="button" className="button" onClick={() => setEditing((open) => !open)} aria-expanded={editing} data-testid="run-with-parameters">
        Run with other parameters…
      </button>
      {error && (
        <span className="inline-error" role="alert" data-testid="run-action-error">
          {error}
        </span>
      )}
      {editing && <ParameterForm run={run} busy={busy !== null} onStart={(parameters) => void act("start", parameters)} />}
    </div>
  );
}

function RunBody({ run, view }: { run: RunDetail; view: RunView }) {
  const session = useSession();
  const canOperate = session.status === "ready" && Boolean(session.me.capabilities.operate);
  const state = currentState(view, run.state);
  const figures = useCallback(
    (node: string): NodeFigures => {
      const stored = run.nodes.find((one) => one.node === node);
      const live = view.nodes[node];
      // The stored record is read at the end; until then the events are newer.
      const useStored = stored && isFinal(run.state);
      return {
        state: (useStored ? stored.state : live?.state) ?? stored?.state ?? "WAITING",
        rows_out: (useStored ? stored.rows_out : live?.rows_out) ?? stored?.rows_out ?? null,
        duration_ms: (useStored ? stored.duration_ms : live?.duration_ms) ?? stored?.duration_ms ?? null,
        rows_note: (useStored ? stored.rows_note : live?.rows_note) ?? stored?.rows_note ?? null,
      };
    },
    [run, view.nodes],
  );
  const nodeIds = run.graph ? run.graph.nodes.map((node) => node.id) : run.nodes.map((node) => node.node);
  const types = new Map([...(run.graph?.nodes ?? []).map((node) => [node.id, node.type] as const), ...run.nodes.map((node) => [node.node, node.type] as const)]);
  const parameters = Object.entries(run.parameters);

  return (
    <>
      <section className="panel" aria-labelledby="run-summary-title">
        <div className="panel-header">
          <h2 id="run-summary-title">
            Run #{run.id} of {run.job_name}
          </h2>
          <StateBadge state={state} testId="run-state" />
        </div>
        <div className="panel-body">
          <dl className="run-facts">
            <dt>Job version</dt>
            <dd>{run.job_version ?? "—"}</dd>
            <dt>Started by</dt>
            <dd>
              {run.started_by.kind}
              {run.started_by.name ? `: ${run.started_by.name}` : ""}
            </dd>
            <dt>Attempt</dt>
            <dd>
              {run.attempt}
              {run.previous_run !== null && (
                <>
                  {" "}
                  (retries <Link to={`/runs/${run.previous_run}`}>#{run.previous_run}</Link>)
                </>
              )}
            </dd>
            <dt>Requested</dt>
            <dd>{formatTime(run.created_at)}</dd>
            <dt>Execution time</dt>
            <dd data-testid="run-duration">{formatDuration(run.execution_seconds)}</dd>
            <dt>Rows written</dt>
            <dd>{formatCount(run.rows_out)}</dd>
            {run.worker && (
              <>
                <dt>Worker</dt>
                <dd>{run.worker}</dd>
              </>
            )}
          </dl>
          <Actions run={run} state={state} canOperate={canOperate} />
          <h3 className="subheading">Timeline</h3>
          <Timeline view={view} run={run} />
        </div>
      </section>

      {run.error && (
        <section className="panel run-error" aria-labelledby="run-error-title" data-testid="run-error">
          <div className="panel-header">
            <h2 id="run-error-title">Error{run.error.node ? ` in node ${run.error.node}` : ""}</h2>
          </div>
          <div className="panel-body">
            <p className="inline-error">
              {run.error.type}: {run.error.message}
            </p>
            {run.error.traceback && (
              <details>
                <summary>Traceback</summary>
                <pre className="run-log">{run.error.traceback}</pre>
              </details>
            )}
          </div>
        </section>
      )}

      <section className="panel" aria-labelledby="run-graph-title">
        <div className="panel-header">
          <h2 id="run-graph-title">Nodes</h2>
        </div>
        <div className="panel-body">
          {run.graph ? (
            <Suspense fallback={<p className="muted">Drawing the graph…</p>}>
              <RunGraph graph={run.graph} figures={figures} />
            </Suspense>
          ) : (
            <p className="muted">The job's graph is not available; its nodes are listed below.</p>
          )}
          <table className="data-table" data-testid="run-nodes">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col" className="numeric">
                  Rows out
                </th>
                <th scope="col" className="numeric">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {nodeIds.map((node) => {
                const figure = figures(node);
                return (
                  <tr key={node} data-testid={`node-row-${node}`} data-state={figure.state}>
                    <td>{node}</td>
                    <td>{types.get(node) ?? ""}</td>
                    <td>
                      <StateBadge state={figure.state} />
                    </td>
                    <td className="numeric" title={figure.rows_note ?? undefined} data-testid={`node-rows-${node}`}>
                      {rowsCell(figure, formatCount)}
                    </td>
                    <td className="numeric">{formatMs(figure.duration_ms)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="run-params-title">
        <div className="panel-header">
          <h2 id="run-params-title">Parameters</h2>
        </div>
        <div className="panel-body">
          {parameters.length === 0 ? (
            <p className="muted">This run has no parameters.</p>
          ) : (
            <table className="data-table" data-testid="run-parameters">
              <tbody>
                {parameters.map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td>
                      <code>{JSON.stringify(value)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </section>

      <section className="panel" aria-labelledby="run-log-title">
        <div className="panel-header">
          <h2 id="run-log-title">Log</h2>
          <a href={runLogPath(run.id)} download data-testid="run-log-download">
            Download the log
          </a>
        </div>
        <div className="panel-body">
          {view.logs.length === 0 ? (
            <p className="muted">No log lines yet.</p>
          ) : (
            <pre className="run-log" data-testid="run-log">
              {view.logs.map((line) => `${formatTime(line.at)} ${line.level.toUpperCase()} ${line.message}`).join("\n")}
            </pre>
          )}
        </div>
      </section>
    </>
  );
}

export function RunPage() {
  const params = useParams();
  const id = Number(params.id);
  const [view, dispatch] = useReducer(applyRunViewEvent, EMPTY_VIEW);
  const target = useMemo(() => ({ kind: "run" as const, run: id, after: 0 }), [id]);
  const live = useLiveChannel(target, (event: LiveEvent) => dispatch(event));
  const ended = view.timeline.some((entry) => isFinal(entry.state));
  const loaded = useRunDetail(id, ended);

  if (!Number.isSafeInteger(id) || id <= 0) {
    return (
      <div className="page">
        <PageHeader title="Run" />
        <p className="inline-error">There is no run {params.id}.</p>
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title={`Run #${id}`}>
        <span className="live-status" data-status={live.status} data-testid="run-live-status">
          {live.status}
        </span>
      </PageHeader>
      {live.message && (
        <p className="inline-warning" role="status">
          {live.message}
        </p>
      )}
      {loaded.status === "loading" && <p className="muted">Loading the run…</p>}
      {loaded.status === "error" && (
        <p className="inline-error" role="alert">
          {loaded.error.status === 404 ? `There is no run ${id}.` : `Could not load the run: ${loaded.error.message}`}
        </p>
      )}
      {loaded.status === "ready" && <RunBody run={loaded.run} view={view} />}
    </div>
  );
}

/** The route element: a new run id starts a fresh page (its own event stream and state). */
export function RunRoute() {
  const { id } = useParams();
  return <RunPage key={id} />;
}
