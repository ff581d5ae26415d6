import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { LiveTarget } from "../live/socket";
import { FakeChannel } from "../test/fakes";
import { renderApp } from "../test/routes";
import { apiRun, at, routeFetch } from "./testData";

function renderAt(path: string) {
  const targets: LiveTarget[] = [];
  renderApp(path, {
    open: (target) => {
      targets.push(target);
      return new FakeChannel();
    },
  });
  return targets;
}

describe("the runs routes", () => {
  it("serve the runs list at /runs", async () => {
    routeFetch(at("/api/me", { username: "ada", roles: ["viewer"], capabilities: { view: true } }), at("/api/runs/", { next: null, results: [apiRun()] }));
    const targets = renderAt("/runs");
    expect(screen.getByRole("heading", { name: "Runs", level: 1 })).toBeTruthy();
    expect(await screen.findByTestId("run-row-1")).toBeTruthy();
    expect(targets).toEqual([{ kind: "dashboard" }]);
  });

  it("serve one run at /runs/<id>, on that run's own live stream", async () => {
    routeFetch(at("/api/me", { username: "ada", roles: ["viewer"], capabilities: { view: true } }), at("/api/runs/12/", apiRun({ id: 12, nodes: [] })));
    const targets = renderAt("/runs/12");
    expect(screen.getByRole("heading", { name: "Run #12", level: 1 })).toBeTruthy();
    expect(await screen.findByText("Run #12 of orders")).toBeTruthy();
    expect(targets).toEqual([{ kind: "run", run: 12, after: 0 }]);
  });
});
