import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { LiveProvider } from "../live/LiveContext";
import { DashboardPage } from "../pages/Dashboard";
import { FakeChannel, jsonResponse } from "../test/fakes";
import { apiRun, at, routeFetch, type Route } from "./testData";

const running = apiRun({ id: 2, state: "RUNNING", completed_at: null, execution_seconds: null, rows_out: null, created_at: new Date().toISOString() });
const succeeded = apiRun({ id: 1, state: "SUCCEEDED", created_at: new Date().toISOString(), rows_out: 100 });

const runsList: Route = (url) => (url.pathname === "/api/runs/" ? jsonResponse({ next: null, previous: null, results: [running, succeeded] }) : undefined);

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
  it("shows tiles and the table from the API, then follows run events without reloading", async () => {
    const { calls } = routeFetch(
      runsList,
      at("/api/jobs/", [{ id: 7, name: "orders" }]),
      at("/api/runs/2/", { ...running, state: "SUCCEEDED", completed_at: new Date().toISOString(), execution_seconds: 3, rows_out: 42, nodes: [] }),
      at("/api/runs/3/", apiRun({ id: 3, state: "RUNNING", job_name: "orders", created_at: new Date().toISOString(), completed_at: null, nodes: [] })),
    );
    const channel = renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("2"));
    expect(tile("tile-running")).toContain("1");
    expect(tile("tile-success-rate")).toContain("100%");
    const periodQuery = calls.find((call) => call.url.pathname === "/api/runs/" && call.url.searchParams.has("since"));
    expect(periodQuery).toBeDefined();
    expect(screen.getByTestId("run-state-2").textContent).toBe("RUNNING");

    act(() => channel.emit({ type: "run.state", run: 2, seq: 4, id: 50, state: "FAILED", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getByTestId("run-state-2").textContent).toBe("FAILED");
    expect(tile("tile-running")).toContain("0");
    expect(tile("tile-success-rate")).toContain("50%");
    expect(within(screen.getByTestId("tile-states")).getByText("FAILED").closest("li")?.getAttribute("data-count")).toBe("1");

    act(() => channel.emit({ type: "run.state", run: 3, seq: 1, id: 51, state: "STARTING", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getByTestId("run-state-3").textContent).toBe("STARTING");
    expect(tile("tile-total")).toContain("3");
    // The same event again (a replay after a reconnect) changes nothing.
    act(() => channel.emit({ type: "run.state", run: 3, seq: 1, id: 51, state: "STARTING", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getAllByTestId("run-row-3")).toHaveLength(1);
    expect(tile("tile-total")).toContain("3");
    // Its record, fetched once the event told of it, fills in the rest.
    await waitFor(() => expect(within(screen.getByTestId("run-row-3")).getByText("orders")).toBeTruthy());
  });

  it("reads the runs again when the live channel (re)opens, so nothing said before it listened is missed", async () => {
    const { calls } = routeFetch(runsList, at("/api/jobs/", []));
    const channel = renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("2"));
    const before = calls.filter((call) => call.url.pathname === "/api/runs/").length;
    act(() => channel.setState({ status: "open" }));
    await waitFor(() => expect(calls.filter((call) => call.url.pathname === "/api/runs/").length).toBeGreaterThan(before));
    expect(screen.getByTestId("live-status").textContent).toBe("open");
  });

  it("asks the API for the chosen period and filters", async () => {
    const { calls } = routeFetch(runsList, at("/api/jobs/", [{ id: 7, name: "orders" }]));
    renderDashboard();
    await waitFor(() => expect(tile("tile-total")).toContain("2"));
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
    await waitFor(() =>
      expect(
        calls.some(
          (call) =>
            call.url.searchParams.get("state") === "FAILED" && call.url.searchParams.get("job") === "7" && call.url.searchParams.get("trigger") === "schedule",
        ),
      ).toBe(true),
    );
  });

  it("pages through the runs with the server's cursor", async () => {
    const second = apiRun({ id: 9, job_name: "later page" });
    const { calls } = routeFetch(
      (url) =>
        url.pathname === "/api/runs/" && url.searchParams.get("cursor") === "abc"
          ? jsonResponse({ next: null, results: [second] })
          : undefined,
      (url) =>
        url.pathname === "/api/runs/" && !url.searchParams.has("since")
          ? jsonResponse({ next: "http://testserver/api/runs/?cursor=abc&page_size=25", results: [running, succeeded] })
          : undefined,
      runsList,
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
      runsList,
      at("/api/jobs/", []),
      at("/api/crawlers/", { results: [{ name: "lake", last_run: { id: 2, state: "SUCCEEDED", tables_created: 1, tables_updated: 0 } }], count: 1 }),
    );
    const channel = renderDashboard();
    const row = await screen.findByTestId("crawl-row-lake");
    expect(row.textContent).toContain("SUCCEEDED");
    act(() => channel.emit({ type: "crawl.state", crawl: 3, seq: 1, id: 70, crawler: "lake", state: "RUNNING" }));
    expect(screen.getByTestId("crawl-row-lake").textContent).toContain("RUNNING");
  });
});
