import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { LiveProvider } from "../live/LiveContext";
import { DashboardPage } from "../pages/Dashboard";
import { FakeChannel, jsonResponse } from "../test/fakes";
import { at, routeFetch, type Route } from "./testData";

const DASHBOARD_RUNS = "/api/dashboard/runs/";
const now = () => new Date().toISOString();

/** A row of GET /api/dashboard/runs/ (jobs/api/dashboard.py). */
function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const crawl = overrides.kind === "crawl";
  return {
    kind: "job",
    id: 1,
    name: crawl ? "lake" : "orders",
    job: crawl ? null : 7,
    crawler: crawl ? "lake" : null,
    dry_run: false,
    state: "SUCCEEDED",
    trigger: "user",
    started_by: { kind: "user", name: "ada" },
    attempt: 0,
    created_at: now(),
    started_at: now(),
    completed_at: now(),
    execution_seconds: 2,
    rows_out: crawl ? null : 100,
    tables_changed: crawl ? 1 : null,
    error: null,
    ...overrides,
  };
}

const running = row({ id: 2, state: "RUNNING", completed_at: null, execution_seconds: null, rows_out: null });
const succeeded = row({ id: 1, state: "SUCCEEDED", rows_out: 100 });
const crawled = row({ kind: "crawl", id: 1, state: "SUCCEEDED", started_by: { kind: "schedule", name: null }, trigger: "schedule" });

/** The list, and one row by kind and id (?kind=&run=) as the page asks for a run an event told of. */
function dashboardRuns(rows: Record<string, unknown>[], records: Record<string, unknown>[] = []): Route {
  return (url) => {
    if (url.pathname !== DASHBOARD_RUNS) return undefined;
    const run = url.searchParams.get("run");
    if (run !== null) {
      const kind = url.searchParams.get("kind");
      return jsonResponse({ results: records.filter((one) => one.kind === kind && String(one.id) === run), next_cursor: null });
    }
    return jsonResponse({ results: rows, next_cursor: null });
  };
}

function renderDashboard() {
  const channel = new FakeChannel();
  render(
    <MemoryRouter>
      <LiveProvider open={() => channel}>
        <DashboardPage />
      </LiveProvider>
    </MemoryRouter>,
  );
  return channel;
}

const tile = (id: string) => screen.getByTestId(id).textContent ?? "";

describe("the dashboard's runs", () => {
  it("shows job runs and crawls in the tiles and the table, then follows both kinds of events without reloading", async () => {
    const { calls } = routeFetch(
      dashboardRuns(
        [running, crawled, succeeded],
        [
          row({ id: 3, state: "RUNNING", name: "orders", completed_at: null }),
          row({ kind: "crawl", id: 5, state: "RUNNING", name: "sales", crawler: "sales", completed_at: null, started_by: { kind: "user", name: "ada" } }),
        ],
      ),
      at("/api/jobs/", [{ id: 7, name: "orders" }]),
      at("/api/crawlers/", { results: [{ name: "lake", last_run: null }, { name: "sales", last_run: null }] }),
    );
    const channel = renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("3"));
    expect(screen.getByTestId("tile-kinds").textContent).toBe("2 job runs, 1 crawl");
    expect(tile("tile-running")).toContain("1");
    expect(tile("tile-success-rate")).toContain("100%");
    expect(calls.some((call) => call.url.pathname === DASHBOARD_RUNS && call.url.searchParams.has("since"))).toBe(true);
    expect(calls.some((call) => call.url.pathname === "/api/runs/")).toBe(false);

    // A job run and a crawl of the same id are two rows, each linking to its own page.
    expect(screen.getByTestId("run-state-1").textContent).toBe("SUCCEEDED");
    const crawlRow = screen.getByTestId("crawl-run-row-1");
    expect(crawlRow.getAttribute("data-kind")).toBe("crawl");
    expect(within(crawlRow).getByRole("link").getAttribute("href")).toBe("/crawlers/lake/runs/1");
    expect(crawlRow.textContent).toContain("lake");
    expect(within(screen.getByTestId("run-row-1")).getByRole("link").getAttribute("href")).toBe("/runs/1");

    act(() => channel.emit({ type: "run.state", run: 2, seq: 4, id: 50, state: "FAILED", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getByTestId("run-state-2").textContent).toBe("FAILED");
    expect(tile("tile-success-rate")).toContain("66.7%");

    // A crawl started while the page is open: in the table and the tiles at once, from its first event.
    act(() => channel.emit({ type: "crawl.state", crawl: 5, seq: 1, id: 51, at: now(), crawler: "sales", state: "WAITING", dry_run: false }));
    expect(screen.getByTestId("crawl-run-state-5").textContent).toBe("WAITING");
    expect(screen.getByTestId("crawl-run-row-5").textContent).toContain("sales");
    expect(tile("tile-total")).toContain("4");
    expect(screen.getByTestId("tile-kinds").textContent).toBe("2 job runs, 2 crawls");
    act(() => channel.emit({ type: "crawl.state", crawl: 5, seq: 2, id: 52, at: now(), crawler: "sales", state: "RUNNING", dry_run: false }));
    expect(screen.getByTestId("crawl-run-state-5").textContent).toBe("RUNNING");
    expect(tile("tile-running")).toContain("1");
    // The same event again (a replay after a reconnect) changes nothing.
    act(() => channel.emit({ type: "crawl.state", crawl: 5, seq: 2, id: 52, at: now(), crawler: "sales", state: "RUNNING", dry_run: false }));
    expect(screen.getAllByTestId("crawl-run-row-5")).toHaveLength(1);
    expect(tile("tile-total")).toContain("4");
    // Its record was asked for by kind and id.
    await waitFor(() => expect(calls.some((call) => call.url.searchParams.get("kind") === "crawl" && call.url.searchParams.get("run") === "5")).toBe(true));

    act(() => channel.emit({ type: "crawl.state", crawl: 5, seq: 3, id: 53, at: now(), crawler: "sales", state: "FAILED", dry_run: false }));
    expect(screen.getByTestId("crawl-run-state-5").textContent).toBe("FAILED");
    expect(tile("tile-running")).toContain("0");
    expect(tile("tile-success-rate")).toContain("50%");

    act(() => channel.emit({ type: "run.state", run: 3, seq: 1, id: 54, state: "STARTING", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getByTestId("run-state-3").textContent).toBe("STARTING");
    await waitFor(() => expect(within(screen.getByTestId("run-row-3")).getByText("orders")).toBeTruthy());
  });

  it("reads the runs again when the live channel (re)opens, so nothing said before it listened is missed", async () => {
    const { calls } = routeFetch(dashboardRuns([running, succeeded]), at("/api/jobs/", []));
    const channel = renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("2"));
    const before = calls.filter((call) => call.url.pathname === DASHBOARD_RUNS).length;
    act(() => channel.setState({ status: "open" }));
    await waitFor(() => expect(calls.filter((call) => call.url.pathname === DASHBOARD_RUNS).length).toBeGreaterThan(before));
    expect(screen.getByTestId("live-status").textContent).toBe("open");
  });

  it("asks the API for the chosen period and filters, the kind and the crawler among them", async () => {
    const { calls } = routeFetch(
      dashboardRuns([running, succeeded, crawled]),
      at("/api/jobs/", [{ id: 7, name: "orders" }]),
      at("/api/crawlers/", { results: [{ name: "lake", last_run: null }] }),
    );
    renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("3"));
    const sinceOf = () =>
      calls
        .filter((call) => call.url.searchParams.has("since") && !call.url.searchParams.has("state"))
        .map((call) => Date.parse(call.url.searchParams.get("since") ?? ""));
    await userEvent.selectOptions(screen.getByTestId("period"), "30d");
    await waitFor(() => expect(sinceOf().length).toBeGreaterThan(1));
    const [first, last] = [sinceOf()[0] ?? 0, sinceOf()[sinceOf().length - 1] ?? 0];
    expect(Math.round((first - last) / 86_400_000)).toBe(23); // 7 days back, then 30

    await userEvent.selectOptions(screen.getByTestId("filter-state"), "FAILED");
    await userEvent.selectOptions(screen.getByTestId("filter-job"), "7");
    await userEvent.selectOptions(screen.getByTestId("filter-trigger"), "schedule");
    const asked = (check: (params: URLSearchParams) => boolean) => calls.some((call) => call.url.pathname === DASHBOARD_RUNS && check(call.url.searchParams));
    await waitFor(() => expect(asked((p) => p.get("state") === "FAILED" && p.get("job") === "7" && p.get("trigger") === "schedule")).toBe(true));

    // Choosing crawls drops the job picked before; a crawler is then asked for by name.
    await userEvent.selectOptions(screen.getByTestId("filter-kind"), "crawl");
    await waitFor(() => expect(asked((p) => p.get("kind") === "crawl" && !p.has("job"))).toBe(true));
    expect(within(screen.getByTestId("filter-job")).queryByText("orders")).toBeNull();
    await userEvent.selectOptions(screen.getByTestId("filter-job"), "crawler:lake");
    await waitFor(() => expect(asked((p) => p.get("kind") === "crawl" && p.get("crawler") === "lake")).toBe(true));
  });

  it("keeps a job run's event out of a list of crawls", async () => {
    routeFetch(dashboardRuns([crawled]), at("/api/jobs/", []), at("/api/crawlers/", { results: [{ name: "lake", last_run: null }] }));
    const channel = renderDashboard();
    await screen.findByTestId("crawl-run-row-1");
    await userEvent.selectOptions(screen.getByTestId("filter-kind"), "crawl");
    await screen.findByTestId("crawl-run-row-1");
    act(() => channel.emit({ type: "run.state", run: 8, seq: 1, id: 60, state: "STARTING", job: 7, attempt: 0, trigger: "user" }));
    // The period's tiles count it; the table of crawls does not list it.
    await waitFor(() => expect(tile("tile-total")).toContain("2"));
    expect(within(screen.getByTestId("runs-table")).queryByTestId("run-row-8")).toBeNull();
  });

  it("pages through the runs with the server's cursor", async () => {
    const later = row({ id: 9, name: "later page" });
    const { calls } = routeFetch(
      (url) => (url.pathname === DASHBOARD_RUNS && url.searchParams.get("cursor") === "abc" ? jsonResponse({ next_cursor: null, results: [later] }) : undefined),
      (url) =>
        url.pathname === DASHBOARD_RUNS && !url.searchParams.has("since") ? jsonResponse({ next_cursor: "abc", results: [running, succeeded] }) : undefined,
      dashboardRuns([running, succeeded]),
      at("/api/jobs/", []),
    );
    renderDashboard();
    const more = await screen.findByTestId("runs-more");
    await userEvent.click(more);
    await screen.findByTestId("run-row-9");
    expect(screen.queryByTestId("runs-more")).toBeNull();
    expect(calls.filter((call) => call.url.searchParams.get("cursor") === "abc")).toHaveLength(1);
  });

  it("shows each crawler's latest crawl and follows crawl events", async () => {
    routeFetch(
      dashboardRuns([running, succeeded]),
      at("/api/jobs/", []),
      at("/api/crawlers/", { results: [{ name: "lake", last_run: { id: 2, state: "SUCCEEDED", tables_created: 1, tables_updated: 0 } }], count: 1 }),
    );
    const channel = renderDashboard();
    const crawlRow = await screen.findByTestId("crawl-row-lake");
    expect(crawlRow.textContent).toContain("SUCCEEDED");
    act(() => channel.emit({ type: "crawl.state", crawl: 3, seq: 1, id: 70, crawler: "lake", state: "RUNNING" }));
    expect(screen.getByTestId("crawl-row-lake").textContent).toContain("RUNNING");
  });
});
