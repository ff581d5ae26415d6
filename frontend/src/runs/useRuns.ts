/**
 * React state for a list of runs: loaded from the REST API, kept live by
 * dashboard events (liveRuns.ts), with the records of new or ended runs
 * fetched and merged as they come.
 */

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { ApiError } from "../api/client";
import type { LiveEvent, LiveStatus } from "../live/socket";
import { fetchAllRuns, fetchJobs, fetchRun, fetchRuns, type JobSummary, type Run, type RunFilters } from "./api";
import { applyRunEvent, dropPending, EMPTY_RUNS, mergeRuns, type RunsState } from "./liveRuns";

export type Subscribe = (listener: (event: LiveEvent) => void) => () => void;

type Action =
  | { type: "reset" }
  | { type: "loaded"; runs: Run[] }
  | { type: "event"; event: LiveEvent; filters: RunFilters; jobNames: ReadonlyMap<number, string> }
  | { type: "dropped"; id: number };

function reducer(state: RunsState, action: Action): RunsState {
  switch (action.type) {
    case "reset":
      return EMPTY_RUNS;
    case "loaded":
      // Always a merge: runs that events added while a reload was on its way stay.
      return mergeRuns(state, action.runs);
    case "event":
      return applyRunEvent(state, action.event, action.filters, action.jobNames);
    case "dropped":
      return dropPending(state, action.id);
  }
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export interface RunCollection {
  runs: Run[];
  loading: boolean;
  error: ApiError | null;
  /** "all" mode: more runs matched than were loaded. "paged" mode: another page exists. */
  hasMore: boolean;
  loadMore: () => void;
}

export interface RunCollectionOptions {
  /** "all": every run of the filters up to `limit` (the dashboard's period); "paged": `limit` per page. */
  mode: "all" | "paged";
  limit: number;
  subscribe: Subscribe;
  /** The live channel's status: each time it (re)opens, the list is read again and merged, so nothing said before the socket listened is missed. */
  liveStatus: LiveStatus;
  jobNames?: ReadonlyMap<number, string>;
}

export function useRunCollection(filters: RunFilters, options: RunCollectionOptions): RunCollection {
  const { mode, limit, subscribe, liveStatus } = options;
  const key = JSON.stringify(filters);
  const [state, dispatch] = useReducer(reducer, EMPTY_RUNS);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [resync, setResync] = useState(0);
  const [more, setMore] = useState<{ key: string; cursor: string } | null>(null);
  const jobNames = useRef(options.jobNames ?? new Map<number, string>());
  jobNames.current = options.jobNames ?? jobNames.current;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  // The filters the list was last emptied for, and the last ones whose first page has arrived.
  const resetKey = useRef<string | null>(null);
  const loadedKey = useRef<string | null>(null);
  // The first page (or the whole period): again when the filters change or the live channel (re)opens.
  useEffect(() => {
    const controller = new AbortController();
    const fresh = loadedKey.current !== key;
    if (resetKey.current !== key) {
      resetKey.current = key;
      dispatch({ type: "reset" });
      setLoading(true);
      setCursor(null);
      setMore(null);
    }
    setError(null);
    const parsed = JSON.parse(key) as RunFilters;
    const load =
      mode === "all"
        ? fetchAllRuns(parsed, limit, controller.signal).then(({ runs, truncated }) => {
            setTruncated(truncated);
            return runs;
          })
        : fetchRuns(parsed, limit, null, controller.signal).then((page) => {
            if (fresh) setCursor(page.next_cursor);
            return page.results;
          });
    load.then(
      (runs) => {
        loadedKey.current = key;
        dispatch({ type: "loaded", runs });
        setLoading(false);
      },
      (caught: unknown) => {
        if (controller.signal.aborted || isAbort(caught)) return;
        setError(asApiError(caught));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, mode, limit, resync]);

  const previousStatus = useRef<LiveStatus>(liveStatus);
  useEffect(() => {
    // Also while the first read is on its way: it may have been answered before the socket listened.
    if (liveStatus === "open" && previousStatus.current !== "open") setResync((n) => n + 1);
    previousStatus.current = liveStatus;
  }, [liveStatus]);

  // Next pages, one per loadMore().
  useEffect(() => {
    if (!more || more.key !== key) return;
    const controller = new AbortController();
    setLoading(true);
    fetchRuns(JSON.parse(key) as RunFilters, limit, more.cursor, controller.signal).then(
      (page) => {
        dispatch({ type: "loaded", runs: page.results });
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (caught: unknown) => {
        if (controller.signal.aborted || isAbort(caught)) return;
        setError(asApiError(caught));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [more, key, limit]);

  useEffect(
    () => subscribe((event) => dispatch({ type: "event", event, filters: filtersRef.current, jobNames: jobNames.current })),
    [subscribe],
  );

  // The full record of runs that events added or ended.
  const inFlight = useRef(new Set<number>());
  useEffect(() => {
    for (const id of state.pending) {
      if (inFlight.current.has(id)) continue;
      inFlight.current.add(id);
      fetchRun(id).then(
        (run) => {
          inFlight.current.delete(id);
          dispatch({ type: "loaded", runs: [run] });
        },
        () => {
          inFlight.current.delete(id);
          dispatch({ type: "dropped", id });
        },
      );
    }
  }, [state.pending]);

  const loadMore = useCallback(() => {
    if (cursor) setMore({ key, cursor });
  }, [cursor, key]);

  return {
    runs: state.runs,
    loading,
    error,
    hasMore: mode === "all" ? truncated : cursor !== null,
    loadMore,
  };
}

/** Job ids to names, for the filter and for runs first seen in an event. */
export function useJobs(): { jobs: JobSummary[]; names: ReadonlyMap<number, string> } {
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    fetchJobs(controller.signal).then(setJobs, () => setJobs([]));
    return () => controller.abort();
  }, []);
  const names = useMemo(() => new Map(jobs.map((job) => [job.id, job.name])), [jobs]);
  return { jobs, names };
}

/** One live event source fanned out to several listeners (one socket per page). */
export function useEventBus(): { publish: (event: LiveEvent) => void; subscribe: Subscribe } {
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const publish = useCallback((event: LiveEvent) => {
    for (const listener of [...listeners.current]) listener(event);
  }, []);
  const subscribe = useCallback<Subscribe>((listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  return { publish, subscribe };
}
