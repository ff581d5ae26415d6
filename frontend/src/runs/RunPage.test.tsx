import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { LiveProvider } from "../live/LiveContext";
import type { LiveTarget } from "../live/socket";
import { SessionProvider } from "../session";
import { FakeChannel, jsonResponse, stubResizeObserver } from "../test/fakes";
import { RunRoute } from "./RunPage";
import { apiRun, at, routeFetch } from "./testData";

const graph = {
  format: "glueweb.graph/1",
  nodes: [
    { id: "src", type: "inline_data", params: {}, position: { x: 0, y: 0 } },
    { id: "out", type: "write_files", params: {}, position: { x: 240, y: 0 } },
  ],
  edges: [{ source: "src", target: "out" }],
};

const detail = (overrides: Record<string, unknown> = {}) =>
  apiRun({
    id: 4,
    state: "RUNNING",
    completed_at: null,
    execution_seconds: null,
    rows_out: null,
    parameters: { min_total: 10 },
    nodes: [
      { node: "src", type: "inline_data", state: "WAITING", rows_out: null, duration_ms: null, error: null },
      { node: "out", type: "write_files", state: "WAITING", rows_out: null, duration_ms: null, error: null },
    ],
    ...overrides,
  });

const me = (capabilities: Record<string, boolean>) => at("/api/me", { username: "ada", roles: [], capabilities });
const version = at("/api/jobs/7/versions/1/", { number: 1, graph });

function renderRun(path = "/runs/4") {
  const channels = new Map<number, FakeChannel>();
  const targets: LiveTarget[] = [];
  const open = (target: LiveTarget) => {
    targets.push(target);
    const channel = new FakeChannel();
    if (target.kind === "run") channels.set(target.run, channel);
    return channel;
  };
  render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <LiveProvider open={open}>
          <Routes>
            <Route path="/runs/:id" element={<RunRoute />} />
          </Routes>
        </LiveProvider>
      </SessionProvider>
    </MemoryRouter>,
  );
  return { channels, targets };
}

beforeEach(stubResizeObserver);

describe("the run page", () => {
  it("replays the run's events from the start and shows states, nodes and the log live", async () => {
    routeFetch(me({ view: true, operate: true }), at("/api/runs/4/", detail()), version);
    const { channels, targets } = renderRun();
    expect(targets).toEqual([{ kind: "run", run: 4, after: 0 }]);
    await screen.findByText("Run #4 of orders");
    const channel = channels.get(4) as FakeChannel;
    act(() => {
      channel.emit({ type: "run.state", run: 4, seq: 1, id: 1, state: "STARTING" });
      channel.emit({ type: "run.state", run: 4, seq: 2, id: 2, state: "RUNNING" });
      channel.emit({ type: "node.state", run: 4, seq: 3, id: 3, node: "src", state: "SUCCEEDED", rows_out: 3, duration_ms: 12 });
      channel.emit({ type: "run.log", run: 4, seq: 4, id: 4, level: "info", message: "wrote 3 rows" });
    });
    expect(screen.getByTestId("run-state").textContent).toBe("RUNNING");
    const src = screen.getByTestId("node-row-src");
    expect(src.getAttribute("data-state")).toBe("SUCCEEDED");
    expect(src.textContent).toContain("12 ms");
    expect(screen.getByTestId("node-row-out").getAttribute("data-state")).toBe("WAITING");
    expect(screen.getByTestId("run-log").textContent).toContain("INFO wrote 3 rows");
    expect(within(screen.getByTestId("run-timeline")).getAllByRole("listitem").map((li) => li.getAttribute("data-state"))).toEqual([
      "STARTING",
      "RUNNING",
    ]);
    expect(screen.getByTestId("run-parameters").textContent).toContain("min_total");
    expect(screen.getByTestId("run-stop")).toBeTruthy();
  });

  it("reads the run again when it ends and shows the error with the failing node", async () => {
    let ended = false;
    routeFetch(
      me({ view: true, operate: true }),
      (url) =>
        url.pathname === "/api/runs/4/"
          ? jsonResponse(
              ended
                ? detail({
                    state: "FAILED",
                    completed_at: "2026-11-29T10:00:05+00:00",
                    execution_seconds: 5,
                    error: { node: "out", type: "TargetError", message: "the folder is not empty", traceback: "Traceback..." },
                  })
                : detail(),
            )
          : undefined,
      version,
    );
    const { channels } = renderRun();
    await screen.findByText("Run #4 of orders");
    expect(screen.queryByTestId("run-error")).toBeNull();
    ended = true;
    act(() => channels.get(4)?.emit({ type: "run.state", run: 4, seq: 1, id: 1, state: "FAILED" }));
    const error = await screen.findByTestId("run-error");
    expect(error.textContent).toContain("Error in node out");
    expect(error.textContent).toContain("the folder is not empty");
    expect(screen.queryByTestId("run-stop")).toBeNull(); // ended: nothing to stop
    expect(screen.getByTestId("run-duration").textContent).toBe("5.0 s");
  });

  it("stops the run, and runs it again with the same parameters, opening the new run", async () => {
    const { calls } = routeFetch(
      me({ view: true, operate: true }),
      at("/api/runs/4/", detail()),
      at("/api/runs/5/", detail({ id: 5, state: "STARTING" })),
      (url, init) => (url.pathname === "/api/runs/4/stop/" && init?.method === "POST" ? jsonResponse(detail({ state: "STOPPING" }), 202) : undefined),
      (url, init) => (url.pathname === "/api/jobs/7/runs/" && init?.method === "POST" ? jsonResponse(detail({ id: 5, state: "STARTING" }), 201) : undefined),
      version,
    );
    const { channels } = renderRun();
    await userEvent.click(await screen.findByTestId("run-stop"));
    expect(calls.some((call) => call.url.pathname === "/api/runs/4/stop/" && call.method === "POST")).toBe(true);

    await userEvent.click(screen.getByTestId("run-again"));
    await screen.findByText("Run #5 of orders");
    const start = calls.find((call) => call.url.pathname === "/api/jobs/7/runs/");
    expect(start?.body).toEqual({ parameters: { min_total: 10 } });
    expect(channels.has(5)).toBe(true);
  });

  it("starts a run with parameters typed over the run's values, and shows a refused value", async () => {
    const withTwo = detail({ parameters: { min_total: 10, region: "EU" } });
    let refuse = true;
    const { calls } = routeFetch(
      me({ view: true, operate: true }),
      at("/api/runs/4/", withTwo),
      at("/api/runs/6/", detail({ id: 6, state: "STARTING", parameters: { min_total: 25, region: "2024" } })),
      (url, init) => {
        if (url.pathname !== "/api/jobs/7/runs/" || init?.method !== "POST") return undefined;
        if (refuse) return jsonResponse({ "parameters.min_total": ["expected a number, got \"lots\""] }, 400);
        return jsonResponse(detail({ id: 6, state: "STARTING" }), 201);
      },
      version,
    );
    const { channels } = renderRun();
    await userEvent.click(await screen.findByTestId("run-with-parameters"));
    const total = screen.getByTestId("run-parameter-min_total");
    const region = screen.getByTestId("run-parameter-region");
    expect((total as HTMLInputElement).value).toBe("10");
    expect((region as HTMLInputElement).value).toBe("EU");

    await userEvent.clear(total);
    await userEvent.type(total, "lots");
    await userEvent.click(screen.getByTestId("run-start-with-parameters"));
    expect((await screen.findByTestId("run-action-error")).textContent).toContain("parameters.min_total");
    expect(channels.has(6)).toBe(false);

    refuse = false;
    await userEvent.clear(total);
    await userEvent.type(total, "25");
    await userEvent.clear(region);
    await userEvent.type(region, "2024"); // text stays text, even when it reads as a number
    await userEvent.click(screen.getByTestId("run-start-with-parameters"));
    await screen.findByText("Run #6 of orders");
    const starts = calls.filter((call) => call.url.pathname === "/api/jobs/7/runs/");
    expect(starts.map((call) => call.body)).toEqual([{ parameters: { min_total: "lots", region: "EU" } }, { parameters: { min_total: 25, region: "2024" } }]);
    expect(channels.has(6)).toBe(true);
  });

  it("shows the server's refusal of a stop", async () => {
    routeFetch(
      me({ view: true, operate: true }),
      at("/api/runs/4/", detail()),
      at("/api/runs/4/stop/", { detail: "run 4 is publishing its outputs and can no longer be stopped" }, 409),
      version,
    );
    renderRun();
    await userEvent.click(await screen.findByTestId("run-stop"));
    expect((await screen.findByTestId("run-action-error")).textContent).toContain("can no longer be stopped");
  });

  it("offers neither stop nor run again to a viewer", async () => {
    routeFetch(me({ view: true, operate: false }), at("/api/runs/4/", detail()), version);
    renderRun();
    await screen.findByText("Run #4 of orders");
    await waitFor(() => expect(screen.getByTestId("run-nodes")).toBeTruthy());
    expect(screen.queryByTestId("run-stop")).toBeNull();
    expect(screen.queryByTestId("run-again")).toBeNull();
  });

  it("shows why a node of an ended run has no row count, from the stored record", async () => {
    const note = "not counted: inside a join pipeline";
    const nodes = [
      { node: "src", type: "inline_data", state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: note, error: null },
      { node: "out", type: "write_files", state: "SUCCEEDED", rows_out: 3, duration_ms: 40, rows_note: null, error: null },
    ];
    routeFetch(me({ view: true }), at("/api/runs/4/", detail({ state: "SUCCEEDED", nodes })), version);
    renderRun();
    const cell = await screen.findByTestId("node-rows-src");
    expect(cell.textContent).toBe(note);
    expect(cell.getAttribute("title")).toBe(note);
    expect(screen.getByTestId("node-rows-out").textContent).toBe("3");
    const onGraph = await screen.findByTestId("graph-node-rows-src");
    expect(onGraph.textContent).toContain("rows not counted");
    expect(onGraph.getAttribute("title")).toBe(note);
  });

  it("says so when the run does not exist", async () => {
    routeFetch(me({ view: true }));
    renderRun("/runs/404");
    expect((await screen.findByRole("alert")).textContent).toBe("There is no run 404.");
  });
});
