/**
 * The run's job graph, read-only, each node showing its live state (WAITING, RUNNING with the rows
 * so far, SUCCEEDED, FAILED, STOPPED), rows and duration (React Flow).
 */

import { Background, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import type { Graph } from "./api";
import { formatCount, formatMs } from "./format";
import { layoutGraph } from "./layout";
import { describeRows } from "./nodeLive";
import { stateColour } from "./states";

export interface NodeFigures {
  state: string;
  rows_out: number | null;
  duration_ms: number | null;
  /** Why rows_out is null (e.g. inside a join pipeline). */
  rows_note?: string | null;
}

type RunNodeData = { id: string; label: string; type: string; figures: NodeFigures };
type RunFlowNode = Node<RunNodeData, "runNode">;

function RunNode({ data }: NodeProps<RunFlowNode>) {
  const { figures } = data;
  return (
    <div
      className={`run-graph-node run-graph-node-${figures.state.toLowerCase()}`}
      style={{ borderColor: stateColour(figures.state) }}
      data-testid={`graph-node-${data.id}`}
      data-state={figures.state}
      data-rows={figures.rows_out ?? ""}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <strong>{data.label}</strong>
      <span className="muted">{data.type}</span>
      <span style={{ color: stateColour(figures.state) }}>{figures.state}</span>
      <span title={figures.rows_note ?? undefined} data-testid={`graph-node-rows-${data.id}`}>
        {describeRows({ state: figures.state, rows_out: figures.rows_out, rows_note: figures.rows_note ?? null }, formatCount)}
        {figures.state === "RUNNING" ? "" : ` · ${formatMs(figures.duration_ms)}`}
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

// Module level, so React Flow does not see a new set of types on every render.
const NODE_TYPES = { runNode: RunNode };

export function RunGraph({ graph, figures }: { graph: Graph; figures: (node: string) => NodeFigures }) {
  const positions = useMemo(() => layoutGraph(graph), [graph]);
  const nodes: RunFlowNode[] = graph.nodes.map((node) => ({
    id: node.id,
    type: "runNode",
    position: positions[node.id] ?? { x: 0, y: 0 },
    data: { id: node.id, label: node.label || node.id, type: node.type, figures: figures(node.id) },
  }));
  const edges: Edge[] = graph.edges.map((edge, index) => ({
    id: `${edge.source}:${edge.source_port ?? "out"}->${edge.target}:${edge.target_port ?? "in"}:${index}`,
    source: edge.source,
    target: edge.target,
    label: edge.source_port && edge.source_port !== "out" ? edge.source_port : undefined,
  }));
  return (
    <div className="run-graph" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}
