import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_SETTINGS, type JobSettings, type JobVersion } from "../jobs/api";
import { describeJobChanges, describeSettingsDiff } from "./diff";
import { emptyGraph, type GraphDocument, type GraphNode } from "./types";
import { VersionsPanel } from "./VersionsPanel";

function node(id: string, type: string, params: Record<string, unknown>, label?: string): GraphNode {
  return { id, type, params, position: { x: 0, y: 0 }, ...(label ? { label } : {}) };
}

const V1_GRAPH: GraphDocument = {
  ...emptyGraph(),
  nodes: [node("orders", "read_files", { path: "lake/orders", format: "parquet" }), node("big", "filter", { condition: "total > 10" })],
  edges: [{ source: "orders", target: "big" }],
};

const SETTINGS: JobSettings = { name: "orders", ...DEFAULT_SETTINGS };

function version(number: number, graph: GraphDocument, settings: Partial<JobSettings> = {}): JobVersion {
  return { ...SETTINGS, ...settings, number, graph, created_at: "2026-12-01T10:00:00Z", created_by: "ada" };
}

describe("what changed between versions", () => {
  it("names the fields that changed in each node, and not its moves", () => {
    const moved = { ...V1_GRAPH, nodes: V1_GRAPH.nodes.map((n) => ({ ...n, position: { x: 50, y: 50 } })) };
    const edited = {
      ...moved,
      nodes: moved.nodes.map((n) => (n.id === "big" ? { ...n, label: "Big orders", params: { condition: "total > 50" } } : n)),
    };
    expect(describeJobChanges({ graph: V1_GRAPH }, { graph: moved })).toEqual(["No changes"]);
    expect(describeJobChanges({ graph: V1_GRAPH }, { graph: edited })).toEqual(["Changed nodes: big (label, condition)"]);
  });

  it("lists the job's settings that changed, with their old and new values", () => {
    expect(
      describeSettingsDiff(
        { ...SETTINGS, max_retries: 0, timeout_minutes: 2880, tags: [] },
        { ...SETTINGS, name: "orders daily", max_retries: 3, timeout_minutes: 30, tags: ["daily"], description: "Every morning." },
      ),
    ).toEqual(["Name: orders → orders daily", "Description changed", "Retries: 0 → 3", "Timeout (minutes): 2880 → 30", "Tags: none → daily"]);
    // A setting the older version never recorded is no change.
    expect(describeSettingsDiff({ name: "a" }, { name: "a", node_metrics: "exact" })).toEqual([]);
  });
});

describe("the versions panel", () => {
  it("shows a version that only changed settings as such, compares with the editor, and restores on request", async () => {
    const v2Graph = { ...V1_GRAPH, nodes: [...V1_GRAPH.nodes, node("out", "write_files", { path: "lake/out" })], edges: [...V1_GRAPH.edges, { source: "big", target: "out" }] };
    const versions = [version(3, v2Graph, { max_retries: 2 }), version(2, v2Graph), version(1, V1_GRAPH)];
    const onRestore = vi.fn();
    render(<VersionsPanel versions={versions} current={v2Graph} settings={{ ...SETTINGS, max_concurrent_runs: 4, max_retries: 2 }} onRestore={onRestore} />);

    const list = screen.getByTestId("versions-list");
    const v3 = within(list).getAllByRole("listitem").find((item) => item.getAttribute("data-version") === "3")!;
    const v2 = within(list).getAllByRole("listitem").find((item) => item.getAttribute("data-version") === "2")!;
    const v1 = within(list).getAllByRole("listitem").find((item) => item.getAttribute("data-version") === "1")!;
    expect(within(v3).getByText("Retries: 0 → 2")).toBeTruthy();
    expect(within(v3).queryByText(/No changes/)).toBeNull();
    expect(within(v2).getByText("Added nodes: out")).toBeTruthy();
    expect(within(v2).getByText("Added connections: big:out->out:in")).toBeTruthy();
    expect(within(v1).getByText("First version")).toBeTruthy();

    // Against what the editor holds now: version 3 differs only in a setting.
    expect(within(v3).getByText("Max concurrent runs: 1 → 4")).toBeTruthy();
    expect(within(v1).getByText("Added nodes: out")).toBeTruthy();

    await userEvent.click(within(v1).getByRole("button", { name: "Restore version 1" }));
    expect(onRestore).toHaveBeenCalledWith(versions[2]);
  });
});
