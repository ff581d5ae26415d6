/** Requests that follow the graph: schemas and problems, previews, and a run's live node states. */
import { useEffect, useState } from "react";
import { LiveClient, liveUrl, type LiveEvent } from "../live/socket";
import { getRun, type RunDetail } from "../jobs/api";
import { applyNodeEvent, isNodeEvent } from "../runs/nodeLive";
import { fetchPreview, fetchSchemas, problemsOf } from "./api";
import type { GraphDocument, NodeRunState, PreviewAnswer, Problem, SchemaAnswer } from "./types";

export const CHECK_DELAY_MS = 300;
export const PREVIEW_DELAY_MS = 400;

/** Schemas and problems of the graph, asked for once the graph has been still for a moment. */
export function useGraphCheck(graph: GraphDocument): { answer: SchemaAnswer; checking: boolean } {
  const [answer, setAnswer] = useState<SchemaAnswer>({ nodes: {}, errors: [] });
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    setChecking(true);
    const timer = setTimeout(() => {
      fetchSchemas(graph, controller.signal).then(
        (next) => {
          setAnswer(next);
          setChecking(false);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setAnswer({ nodes: {}, errors: problemsOf(error) });
          setChecking(false);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [graph]);
  return { answer, checking };
}

export function usePreview(
  graph: GraphDocument,
  node: string | null,
  enabled: boolean,
): { preview: PreviewAnswer | null; problems: Problem[] | null; loading: boolean } {
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!node || !enabled) return;
    const controller = new AbortController();
    setLoading(true);
    const timer = setTimeout(() => {
      fetchPreview(graph, node, controller.signal).then(
        (answer) => {
          setPreview(answer);
          setProblems(null);
          setLoading(false);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setPreview(null);
          setProblems(problemsOf(error));
          setLoading(false);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [graph, node, enabled]);
  // A different node's rows must never show under this one's name.
  const current = preview && preview.node === node ? preview : null;
  return { preview: current, problems: node ? problems : null, loading };
}

function nodeError(value: unknown): string | null {
  if (!value) return null;
  if (typeof value === "string") return value;
  if (typeof value === "object" && typeof (value as { message?: unknown }).message === "string") {
    return (value as { message: string }).message;
  }
  return JSON.stringify(value);
}

/** Apply one live event of a run to the node states and the run's own state. */
export function applyRunEvent(
  states: ReadonlyMap<string, NodeRunState>,
  event: LiveEvent,
): ReadonlyMap<string, NodeRunState> {
  if (!isNodeEvent(event)) return states; // node.state and node.progress (rows so far)
  const node = event.node as string;
  const next = new Map(states);
  const before = next.get(node);
  const live = applyNodeEvent(
    before && { state: before.state, rows_out: before.rows_out ?? null, duration_ms: before.duration_ms ?? null, rows_note: before.rows_note ?? null },
    event,
  );
  next.set(node, {
    state: live.state,
    rows_out: live.rows_out,
    duration_ms: live.duration_ms,
    ...(live.rows_note ? { rows_note: live.rows_note } : {}), // why rows_out is null, when the run said
    error: nodeError(event.error) ?? before?.error ?? null,
  });
  return next;
}

export function statesFromRun(run: RunDetail): Map<string, NodeRunState> {
  return new Map(
    run.nodes.map((node) => [
      node.node,
      {
        state: node.state,
        rows_out: node.rows_out,
        duration_ms: node.duration_ms,
        ...(node.rows_note ? { rows_note: node.rows_note } : {}),
        error: nodeError(node.error),
      },
    ]),
  );
}

export const FINAL_STATES = new Set(["SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"]);

export interface LiveRun {
  id: number;
  state: string;
  nodes: ReadonlyMap<string, NodeRunState>;
  error: string | null;
}

/** A run followed live over /ws/runs/<id>/ (replayed from its first event, so nothing is missed). */
export function useLiveRun(runId: number | null): LiveRun | null {
  const [run, setRun] = useState<LiveRun | null>(null);
  useEffect(() => {
    if (runId === null) {
      setRun(null);
      return;
    }
    let stopped = false;
    setRun({ id: runId, state: "STARTING", nodes: new Map(), error: null });
    const client = new LiveClient({ url: liveUrl(`/ws/runs/${runId}/`), cursorKey: "seq", ordered: true, initialCursor: 0 });
    const unsubscribe = client.subscribe((event) => {
      if (stopped) return;
      setRun((current) => {
        if (!current || current.id !== runId) return current;
        if (event.type === "run.state") {
          const error = event.error ? nodeError(event.error) : current.error;
          return { ...current, state: String(event.state ?? current.state), error };
        }
        return { ...current, nodes: applyRunEvent(current.nodes, event) };
      });
    });
    client.connect();
    return () => {
      stopped = true;
      unsubscribe();
      client.close();
    };
  }, [runId]);
  // Once the run has ended, its stored record has the error text in full.
  const ended = run !== null && FINAL_STATES.has(run.state);
  useEffect(() => {
    if (!ended || runId === null) return;
    const controller = new AbortController();
    getRun(runId, controller.signal).then(
      (detail) =>
        setRun((current) =>
          current && current.id === runId
            ? { ...current, nodes: new Map([...current.nodes, ...statesFromRun(detail)]), error: detail.error?.message ?? current.error }
            : current,
        ),
      () => undefined,
    );
    return () => controller.abort();
  }, [ended, runId]);
  return run;
}
