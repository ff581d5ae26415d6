import { render, screen } from "@testing-library/react";
import { ReactFlowProvider, type NodeProps } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import type { EditorNode } from "./flow";
import { NodeView } from "./NodeView";
import type { NodeRunState } from "./types";

function renderNode(run: NodeRunState) {
  const data = { node: { id: "j1", type: "join", params: {} }, type: undefined, problems: [], schema: undefined, run };
  const props = { id: "j1", data, selected: false } as unknown as NodeProps<EditorNode>;
  render(
    <ReactFlowProvider>
      <NodeView {...props} />
    </ReactFlowProvider>,
  );
}

describe("a node on the editor's canvas after a run", () => {
  it("shows its rows and duration", () => {
    renderNode({ state: "SUCCEEDED", rows_out: 1200, duration_ms: 35, error: null });
    expect(screen.getByTestId("node-run").textContent).toContain("1,200 rows");
    expect(screen.getByTestId("node-run").textContent).toContain("35 ms");
  });

  it("says its rows were not counted, and why, instead of showing nothing", () => {
    const note = "not counted: inside a join pipeline";
    renderNode({ state: "SUCCEEDED", rows_out: null, duration_ms: null, rows_note: note, error: null });
    const rows = screen.getByTestId("node-run-rows");
    expect(rows.textContent).toBe("rows not counted");
    expect(rows.getAttribute("title")).toBe(note);
  });
});
