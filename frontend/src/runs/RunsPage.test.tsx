import { act, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { LiveProvider } from "../live/LiveContext";
import type { LiveTarget } from "../live/socket";
import { FakeChannel, jsonResponse } from "../test/fakes";
import { RunsPage } from "./RunsPage";
import { apiRun, at, routeFetch } from "./testData";

describe("the Runs page", () => {
  it("lists the runs newest first and follows their states live over the dashboard channel", async () => {
    routeFetch(
      (url) =>
        url.pathname === "/api/runs/"
          ? jsonResponse({ next: null, results: [apiRun({ id: 8, state: "WAITING", completed_at: null }), apiRun({ id: 3 })] })
          : undefined,
      at("/api/jobs/", [{ id: 7, name: "orders" }]),
      at("/api/runs/8/", apiRun({ id: 8, state: "STOPPED", nodes: [] })),
    );
    const channel = new FakeChannel();
    const targets: LiveTarget[] = [];
    render(
      <MemoryRouter>
        <LiveProvider
          open={(target) => {
            targets.push(target);
            return channel;
          }}
        >
          <RunsPage />
        </LiveProvider>
      </MemoryRouter>,
    );
    const table = await screen.findByTestId("runs-table");
    expect(targets).toEqual([{ kind: "dashboard" }]);
    expect(within(table).getAllByRole("link").map((link) => link.getAttribute("href"))).toEqual(["/runs/8", "/runs/3"]);
    act(() => channel.emit({ type: "run.state", run: 8, seq: 2, id: 40, state: "STOPPED", job: 7, attempt: 0, trigger: "user" }));
    expect(screen.getByTestId("run-state-8").textContent).toBe("STOPPED");
  });
});
