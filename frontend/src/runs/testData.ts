/** Runs as the API sends them, and a fetch that answers by path: shared by this folder's tests. */

import { vi } from "vitest";
import { jsonResponse } from "../test/fakes";

export function apiRun(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    job: 7,
    job_name: "orders",
    job_version: 1,
    parameters: {},
    attempt: 0,
    previous_run: null,
    started_by: { kind: "user", name: "ada" },
    trigger: "user",
    state: "SUCCEEDED",
    timeout_minutes: 2880,
    created_at: "2026-11-29T10:00:00+00:00",
    started_at: "2026-11-29T10:00:00+00:00",
    completed_at: "2026-11-29T10:00:02+00:00",
    waiting_seconds: 0,
    execution_seconds: 2,
    worker: "worker@host",
    error: null,
    rows_out: 100,
    ...overrides,
  };
}

export type Route = (url: URL, init: RequestInit | undefined) => Response | Promise<Response> | undefined;

/** Stub fetch: each request goes to the first route that answers; others get 404 (and are recorded). */
export function routeFetch(...routes: Route[]) {
  const calls: { url: URL; method: string; body: unknown }[] = [];
  const mock = vi.fn<typeof fetch>(async (input, init) => {
    const url = new URL(String(input), "http://testserver");
    calls.push({ url, method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : undefined });
    for (const route of routes) {
      const answer = await route(url, init);
      if (answer) return answer;
    }
    return jsonResponse({ detail: "Not found." }, 404);
  });
  vi.stubGlobal("fetch", mock);
  return { mock, calls };
}

export const at = (path: string, body: unknown, status = 200): Route => (url) =>
  url.pathname === path ? jsonResponse(body, status) : undefined;
