/**
 * React state for a list of runs: loaded from the REST API, kept live by
 * dashboard events (liveRuns.ts), with the records of new or ended runs
 * fetched and merged as they come. The dashboard's list ("dashboard" source)
 * holds crawls too: they are kept apart (crawls.ts), as their ids are a
 * sequence of their own, and shown together, newest first.
 */

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { ApiError } from "../api/client";
import type { LiveEvent, LiveStatus } from "../live/socket";
import {
  fetchAllRuns,
  fetchDashboardRun,
  fetchDashboardRuns,
  fetchJobs,
  fetchRun,
  fetchRuns,
  runKind,
  type JobSummary,
  type PageFetcher,
  type Run,
  type RunFilters,
  type RunKind,
} from "./api";
import { applyCrawlRunEvent, fetchCrawls, mergeCrawlRecord } from "./crawls";
import { applyRunEvent, dropPending, EMPTY_RUNS, mergeRuns, type RunsState } from "./liveRuns";

export type Subscribe = (listener: (event: LiveEvent) => void) => () => void;

interface Lists {
  jobs: RunsState;
  crawls: RunsState;
}

const EMPTY_LISTS: Lists = { jobs: EMPTY_RUNS, crawls: EMPTY_RUNS };

type Action =
  | { type: "reset" }
  | { type: "loaded"; runs: Run[] }
  | { type: "record"; run: Run; filters: RunFilters }
  | { type: "event"; event: LiveEvent; filters: RunFilters; jobNames: ReadonlyMap<number, string>; crawls: boolean }
  | { type: "dropped"; kind: RunKind; id: number };

function reducer(state: Lists, action: Action): Lists {
  switch (action.type) {
    case "reset":
      return EMPTY_LISTS;
    case "loaded": {
      // Always a merge: runs that events added while a reload was on its way stay.
      const crawls = action.runs.filter((run) => runKind(run) === "crawl");
      const jobs = crawls.length ? action.runs.filter((run) => runKind(run) === "job") : action.runs;
      return {
        jobs: jobs.length ? mergeRuns(state.jobs, jobs) : state.jobs,
        crawls: crawls.length ? mergeRuns(state.crawls, crawls) : state.crawls,
      };
    }
    case "record":
      return runKind(action.run) === "crawl"
        ? { ...state, crawls: mergeCrawlRecord(state.crawls, action.run, action.filters) }
        : { ...state, jobs: mergeRuns(state.jobs, [action.run]) };
    case "event": {
      const { event, filters } = action;
      if (event.type === "crawl.state") return action.crawls ? { ...state, crawls: applyCrawlRunEvent(state.crawls, event, filters) } : state;
      // A list of crawls only (by kind or by crawler) takes no job runs.
      if (filters.kind === "crawl" || filters.crawler) return state;
      return { ...state, jobs: applyRunEvent(state.jobs, event, filters, action.jobNames) };
    }
    case "dropped":
      return action.kind === "crawl" ? { ...state, crawls: dropPending(state.crawls, action.id) } : { ...state, jobs: dropPending(state.jobs, action.id) };
  }
}

/** Newest first: by creation time, then job runs before crawls, then the higher id (the server's order). */
function together(jobs: Run[], crawls: Run[]): Run[] {
  if (crawls.length === 0) return jobs;
  const rank = (run: Run) => (runKind(run) === "job" ? 1 : 0);
  return [...jobs, ...crawls].sort(
    (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || rank(b) - rank(a) || b.id - a.id,
  );
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
  /** "runs": job runs from /api/runs/ (the default); "dashboard": job runs and crawls from /api/dashboard/runs/. */
  source?: "runs" | "dashboard";
}

export function useRunCollection(filters: RunFilters, options: RunCollectionOptions): RunCollection {
  const { mode, limit, subscribe, liveStatus } = options;
  const source = options.source ?? "runs";
  const key = JSON.stringify(filters);
  const [state, dispatch] = useReducer(reducer, EMPTY_LISTS);
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
    const fetchPage: PageFetcher = source === "dashboard" ? fetchDashboardRuns : fetchRuns;
    const load =
      mode === "all"
        ? fetchAllRuns(parsed, limit, controller.signal, fetchPage).then(({ runs, truncated }) => {
            setTruncated(truncated);
            return runs;
          })
        : fetchPage(parsed, limit, null, controller.signal).then((page) => {
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
  }, [key, mode, limit, resync, source]);

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
    const fetchPage: PageFetcher = source === "dashboard" ? fetchDashboardRuns : fetchRuns;
    fetchPage(JSON.parse(key) as RunFilters, limit, more.cursor, controller.signal).then(
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
  }, [more, key, limit, source]);

  useEffect(
    () =>
      subscribe((event) =>
        dispatch({ type: "event", event, filters: filtersRef.current, jobNames: jobNames.current, crawls: source === "dashboard" }),
      ),
    [subscribe, source],
  );

  // The full record of runs that events added or ended.
  const inFlight = useRef(new Set<string>());
  useEffect(() => {
    const wanted: [RunKind, number][] = [
      ...state.jobs.pending.map((id): [RunKind, number] => ["job", id]),
      ...state.crawls.pending.map((id): [RunKind, number] => ["crawl", id]),
    ];
    for (const [kind, id] of wanted) {
      const flight = `${kind}-${id}`;
      if (inFlight.current.has(flight)) continue;
      inFlight.current.add(flight);
      const record: Promise<Run | null> = kind === "job" && source === "runs" ? fetchRun(id) : fetchDashboardRun(kind, id);
      record.then(
        (run) => {
          inFlight.current.delete(flight);
          dispatch(run ? { type: "record", run, filters: filtersRef.current } : { type: "dropped", kind, id });
        },
        () => {
          inFlight.current.delete(flight);
          dispatch({ type: "dropped", kind, id });
        },
      );
    }
  }, [state.jobs.pending, state.crawls.pending, source]);

  const runs = useMemo(() => together(state.jobs.runs, state.crawls.runs), [state.jobs.runs, state.crawls.runs]);

  const loadMore = useCallback(() => {
    if (cursor) setMore({ key, cursor });
  }, [cursor, key]);

  return {
    runs,
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

/** Crawler names, for the dashboard's filter. */
export function useCrawlerNames(): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    fetchCrawls(controller.signal).then(
      (rows) => setNames(rows.map((row) => row.crawler)),
      () => setNames([]),
    );
    return () => controller.abort();
  }, []);
  return names;
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
