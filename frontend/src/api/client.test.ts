import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/fakes";
import { ApiError, apiGet, apiPost, errorMessage, readCookie } from "./client";

function mockFetch(response: Response | (() => Promise<Response>)) {
  const fetchMock = vi.fn<typeof fetch>(typeof response === "function" ? response : async () => response);
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function sentHeaders(fetchMock: ReturnType<typeof mockFetch>): Record<string, string> {
  const init = fetchMock.mock.calls[0]?.[1];
  return (init?.headers ?? {}) as Record<string, string>;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("readCookie", () => {
  it("finds one cookie among several and decodes it", () => {
    expect(readCookie("csrftoken", "sessionid=abc; csrftoken=tok%3D123; theme=dark")).toBe("tok=123");
    expect(readCookie("csrftoken", "xcsrftoken=nope")).toBeNull();
    expect(readCookie("csrftoken", "")).toBeNull();
  });
});

describe("apiPost", () => {
  it("sends the csrftoken cookie as X-CSRFToken with a JSON body and the session cookie", async () => {
    document.cookie = "csrftoken=secret-token";
    const fetchMock = mockFetch(jsonResponse({ ping: 123, sent_at: "2026-11-23T10:00:00.100+00:00" }, 202));

    const answer = await apiPost<{ ping: number }>("/api/diagnostics/ping/", { note: "hi" });

    expect(answer.ping).toBe(123);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/diagnostics/ping/");
    expect(init?.method).toBe("POST");
    expect(init?.credentials).toBe("same-origin");
    expect(init?.body).toBe('{"note":"hi"}');
    expect(sentHeaders(fetchMock)).toMatchObject({
      "X-CSRFToken": "secret-token",
      "Content-Type": "application/json",
      Accept: "application/json",
    });
  });

  it("surfaces DRF's detail message and the status", async () => {
    mockFetch(jsonResponse({ detail: "You do not have permission to perform this action." }, 403));
    const error = await failure(apiPost("/api/diagnostics/ping/"));
    expect(error.status).toBe(403);
    expect(error.message).toBe("You do not have permission to perform this action.");
    expect(error.isAuthError).toBe(true);
  });

  it("turns field validation errors into one message and keeps them per field", async () => {
    mockFetch(jsonResponse({ name: ["This field is required."], non_field_errors: ["Names must be unique."] }, 400));
    const error = await failure(apiPost("/api/jobs/", {}));
    expect(error.status).toBe(400);
    expect(error.message).toBe("name: This field is required.; Names must be unique.");
    expect(error.fieldErrors).toEqual({ name: ["This field is required."], non_field_errors: ["Names must be unique."] });
  });

  it("falls back to the HTTP status when the error is not JSON", async () => {
    mockFetch(new Response("<h1>Server Error (500)</h1>", { status: 500, statusText: "Internal Server Error", headers: { "Content-Type": "text/html" } }));
    const error = await failure(apiPost("/api/diagnostics/ping/"));
    expect(error.status).toBe(500);
    expect(error.message).toBe("The server answered 500 Internal Server Error.");
  });

  it("reports a server it cannot reach as status 0", async () => {
    mockFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await failure(apiPost("/api/diagnostics/ping/"));
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/Could not reach/);
  });
});

describe("apiGet", () => {
  it("sends no CSRF header and returns the decoded JSON", async () => {
    document.cookie = "csrftoken=secret-token";
    const fetchMock = mockFetch(jsonResponse({ username: "alice", roles: ["admin"] }));
    await expect(apiGet("/api/me")).resolves.toEqual({ username: "alice", roles: ["admin"] });
    expect(sentHeaders(fetchMock)["X-CSRFToken"]).toBeUndefined();
    expect(fetchMock.mock.calls[0]?.[1]?.credentials).toBe("same-origin");
  });

  it("refuses an answer that is not JSON, such as an HTML page", async () => {
    mockFetch(new Response("<!doctype html>", { status: 200, headers: { "Content-Type": "text/html" } }));
    const error = await failure(apiGet("/api/me"));
    expect(error.message).toMatch(/not JSON/);
  });

  it("returns undefined for an empty 204 answer", async () => {
    mockFetch(new Response(null, { status: 204 }));
    await expect(apiGet("/api/nothing/")).resolves.toBeUndefined();
  });
});

describe("errorMessage", () => {
  it("reads nested serializer errors and plain lists", () => {
    expect(errorMessage({ target: { path: ["Outside the data roots."] } }, "x")).toBe("target: path: Outside the data roots.");
    expect(errorMessage(["Job is already running."], "x")).toBe("Job is already running.");
    expect(errorMessage({ detail: ["Path is outside the data roots.", "Pick another."] }, "x")).toBe(
      "Path is outside the data roots. Pick another.",
    );
    expect(errorMessage(undefined, "fallback")).toBe("fallback");
  });
});
