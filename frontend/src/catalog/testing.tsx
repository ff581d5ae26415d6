import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";
import { SessionProvider } from "../session";
import { jsonResponse } from "../test/fakes";

export interface Call {
  method: string;
  url: string;
  body: unknown;
}

type Answer = Response | ((call: Call) => Response);

/**
 * A fetch stand-in for the catalog pages: answers by "METHOD path?query" (exact) and records
 * every call. /api/me answers as a user holding `capabilities`.
 */
export function fakeApi(routes: Record<string, Answer>, capabilities: Record<string, boolean> = { view: true, edit: true }) {
  const calls: Call[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const method = (init?.method ?? "GET").toUpperCase();
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { method, url, body };
    calls.push(call);
    if (url === "/api/me") return jsonResponse({ username: "ada", roles: [], capabilities });
    const answer = routes[`${method} ${url}`];
    if (answer === undefined) return jsonResponse({ detail: `no fake for ${method} ${url}` }, 404);
    return typeof answer === "function" ? answer(call) : answer.clone();
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

export function page<T>(results: T[], next_cursor: string | null = null) {
  return jsonResponse({ results, next_cursor, next: next_cursor ? "/more" : null });
}

/** Render `element` at `path` (matched by `pattern`) inside the session provider. */
export function renderAt(path: string, pattern: string, element: ReactNode) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <Routes>
          <Route path={pattern} element={element} />
          <Route path="*" element={<p data-testid="elsewhere">elsewhere</p>} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}
