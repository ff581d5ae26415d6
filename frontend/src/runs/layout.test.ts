import { describe, expect, it } from "vitest";
import { COLUMN_WIDTH, layoutGraph, ROW_HEIGHT } from "./layout";

describe("placing a run's graph", () => {
  it("keeps the positions the editor saved", () => {
    const graph = {
      nodes: [
        { id: "a", type: "inline_data", position: { x: 5, y: 6 } },
        { id: "b", type: "write_files", position: { x: 300, y: 6 } },
      ],
      edges: [{ source: "a", target: "b" }],
    };
    expect(layoutGraph(graph)).toEqual({ a: { x: 5, y: 6 }, b: { x: 300, y: 6 } });
  });

  it("puts each node one column right of its furthest input when positions are missing", () => {
    const graph = {
      nodes: ["left", "right", "join", "out"].map((id) => ({ id, type: "x" })),
      edges: [
        { source: "left", target: "join" },
        { source: "right", target: "join" },
        { source: "left", target: "out" },
        { source: "join", target: "out" },
      ],
    };
    expect(layoutGraph(graph)).toEqual({
      left: { x: 0, y: 0 },
      right: { x: 0, y: ROW_HEIGHT },
      join: { x: COLUMN_WIDTH, y: 0 },
      out: { x: 2 * COLUMN_WIDTH, y: 0 },
    });
  });
});
