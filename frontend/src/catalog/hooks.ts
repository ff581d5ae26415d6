import { useCallback, useEffect, useState } from "react";
import { ApiError, apiGet } from "../api/client";
import { useSession } from "../session";
import { withQuery, type Page } from "./api";

export type Loaded<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "error"; error: ApiError };

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, error instanceof Error ? error.message : String(error));
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** GET `path` (null: nothing yet); reloads when `path` changes or `reload()` is called. */
export function useApiGet<T>(path: string | null): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState({ status: "loading" });
    apiGet<T>(path, { signal: controller.signal }).then(
      (data) => setState({ status: "ready", data }),
      (error: unknown) => {
        if (!controller.signal.aborted && !isAbort(error)) setState({ status: "error", error: asApiError(error) });
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [state, reload];
}

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: ApiError | null;
  /** True while the server has more rows after the ones shown. */
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * A cursor-paginated list (`{results, next_cursor}`): the first page of `path`
 * with `query`, then one more page per loadMore(). Never the whole list at once.
 * A new path or query starts again from the first page.
 */
export function usePagedList<T>(
  path: string,
  query: Record<string, string | number | undefined>,
  limit = 50,
): PagedList<T> {
  const key = withQuery(path, { ...query, limit });
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [requested, setRequested] = useState<{ key: string; cursor: string | null }>({ key, cursor: null });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);

  if (requested.key !== key) {
    // Query changed: start over (state reset during render, as React recommends).
    setRequested({ key, cursor: null });
    setItems([]);
    setCursor(null);
    setError(null);
  }

  useEffect(() => {
    const controller = new AbortController();
    const url = requested.cursor ? `${requested.key}&cursor=${encodeURIComponent(requested.cursor)}` : requested.key;
    setLoading(true);
    apiGet<Page<T>>(url, { signal: controller.signal }).then(
      (page) => {
        setItems((previous) => (requested.cursor ? [...previous, ...page.results] : page.results));
        setCursor(page.next_cursor);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted || isAbort(failure)) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [requested]);

  const loadMore = useCallback(() => {
    if (cursor) setRequested((current) => ({ key: current.key, cursor }));
  }, [cursor]);

  return { items, loading, error, hasMore: cursor !== null, loadMore };
}

/** Whether the signed-in user may change definitions (GET /api/me's `capabilities.edit`). */
export function useCanEdit(): boolean {
  const session = useSession();
  return session.status === "ready" && session.me.capabilities.edit === true;
}

/** A value that follows `value` once it has stopped changing for `ms` (for filter boxes). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
