import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/fakes";
import { JobsPage } from "./JobsPage";
import { copyName } from "./api";

const GRAPH = { format: "glueweb.graph/1", parameters: [], nodes: [], edges: [] };

const FINISHED = { id: 7, state: "SUCCEEDED", created_at: "2026-11-03T08:00:00Z", completed_at: "2026-11-03T08:01:00Z" };

function job(id: number, name: string, last_run: typeof FINISHED | null = null) {
  return {
    id,
    name,
    description: "",
    graph: GRAPH,
    default_parameters: {},
    max_retries: 0,
    timeout_minutes: 2880,
    max_concurrent_runs: 1,
    tags: [],
    version: 3,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-02T10:00:00Z",
    last_run,
  };
}

/** A small in-memory jobs API behind fetch, recording every request. */
function serveJobs() {
  let jobs = [job(1, "orders daily", FINISHED), job(2, "customers")];
  const requests: { method: string; url: string; body: unknown }[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, url, body });
    if (url === "/api/jobs/" && method === "GET") return jsonResponse(jobs);
    if (url === "/api/jobs/" && method === "POST") {
      const created = { ...job(jobs.length + 10, body.name), ...body };
      jobs = [...jobs, created];
      return jsonResponse(created, 201);
    }
    const match = /^\/api\/jobs\/(\d+)\/$/.exec(url);
    if (match && method === "PATCH") {
      jobs = jobs.map((j) => (j.id === Number(match[1]) ? { ...j, ...body } : j));
      return jsonResponse(jobs.find((j) => j.id === Number(match[1])));
    }
    if (match && method === "DELETE") {
      jobs = jobs.filter((j) => j.id !== Number(match[1]));
      return new Response(null, { status: 204 });
    }
    return jsonResponse({ detail: "Not found." }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return requests;
}

function renderPage() {
  render(
    <MemoryRouter initialEntries={["/jobs"]}>
      <Routes>
        <Route path="/jobs" element={<JobsPage />} />
        <Route path="/jobs/new" element={<p>the editor</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe("the Jobs page", () => {
  it("lists the jobs with their last run, from the one list request", async () => {
    const requests = serveJobs();
    renderPage();
    const row = await screen.findByRole("row", { name: /orders daily/ });
    expect(within(row).getByTestId("last-run").textContent).toBe(`SUCCEEDED · ${new Date(FINISHED.created_at).toLocaleString()}`);
    expect(within(row).getByRole("link", { name: /SUCCEEDED/ }).getAttribute("href")).toBe("/runs/7");
    const other = screen.getByRole("row", { name: /customers/ });
    expect(within(other).getByTestId("last-run").textContent).toBe("never run");
    expect(within(row).getByRole("link", { name: "orders daily" }).getAttribute("href")).toBe("/jobs/1");
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /api/jobs/"]);
  });

  it("duplicates a job under a free name, with its graph and settings", async () => {
    const requests = serveJobs();
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Duplicate orders daily" }));
    expect(await screen.findByRole("link", { name: "orders daily (copy)" })).toBeTruthy();
    const post = requests.find((r) => r.method === "POST");
    expect(post?.body).toMatchObject({ name: "orders daily (copy)", graph: GRAPH, max_retries: 0 });
    expect(post?.body).not.toHaveProperty("id");
    expect(post?.body).not.toHaveProperty("last_run");
  });

  it("renames a job in place", async () => {
    const requests = serveJobs();
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Rename customers" }));
    const input = screen.getByRole("textbox", { name: "New name for customers" });
    await userEvent.clear(input);
    await userEvent.type(input, "crm customers{Enter}");
    expect(await screen.findByRole("link", { name: "crm customers" })).toBeTruthy();
    expect(requests.find((r) => r.method === "PATCH")).toMatchObject({ url: "/api/jobs/2/", body: { name: "crm customers" } });
  });

  it("gives up a rename on Escape, changing nothing", async () => {
    const requests = serveJobs();
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Rename customers" }));
    await userEvent.type(screen.getByRole("textbox", { name: "New name for customers" }), " old{Escape}");
    expect(screen.queryByRole("textbox", { name: "New name for customers" })).toBeNull();
    expect(screen.getByRole("link", { name: "customers" })).toBeTruthy();
    expect(requests.filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("deletes a job after asking", async () => {
    serveJobs();
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Delete customers" }));
    expect(confirm).toHaveBeenCalledWith("Delete the job customers and its versions?");
    await waitFor(() => expect(screen.queryByRole("link", { name: "customers" })).toBeNull());
  });

  it("imports an exported job file as a new job", async () => {
    const requests = serveJobs();
    renderPage();
    await screen.findByRole("link", { name: "customers" });
    const file = new File([JSON.stringify({ name: "customers", max_retries: 2, graph: GRAPH })], "customers.json", { type: "application/json" });
    await userEvent.upload(screen.getByTestId("import-job"), file);
    expect(await screen.findByRole("link", { name: "customers (copy)" })).toBeTruthy();
    expect(requests.find((r) => r.method === "POST")?.body).toMatchObject({ name: "customers (copy)", max_retries: 2, graph: GRAPH });
  });

  it("exports a job as a file of its settings and its glueweb.graph/1 graph", async () => {
    serveJobs();
    const blobs: Blob[] = [];
    // jsdom has no object URLs: keep the blob the page hands over instead.
    Object.defineProperty(URL, "createObjectURL", { configurable: true, value: (blob: Blob) => (blobs.push(blob), "blob:job") });
    Object.defineProperty(URL, "revokeObjectURL", { configurable: true, value: () => undefined });
    const downloads: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    });
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Export orders daily" }));
    expect(downloads).toEqual(["orders daily.json"]);
    const file = JSON.parse(await blobs[0]!.text());
    expect(file).toMatchObject({ name: "orders daily", max_retries: 0, timeout_minutes: 2880, graph: GRAPH });
    expect(file.graph.format).toBe("glueweb.graph/1");
    expect(file).not.toHaveProperty("id");
    expect(file).not.toHaveProperty("last_run");
  });

  it("says why an import was refused", async () => {
    serveJobs();
    renderPage();
    await screen.findByRole("link", { name: "customers" });
    await userEvent.upload(screen.getByTestId("import-job"), new File(['{"format": "x"}'], "x.json", { type: "application/json" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/glueweb reads "glueweb.graph\/1"/);
  });

  it("copy names never collide", () => {
    expect(copyName("a", new Set(["a"]))).toBe("a (copy)");
    expect(copyName("a", new Set(["a", "a (copy)", "a (copy 2)"]))).toBe("a (copy 3)");
  });
});
