/** One node on the canvas: label, type, ports, a summary of its output schema, its problems and its run state. */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { describeRows } from "../runs/nodeLive";
import { inHandle, outHandle, summariseColumns, type EditorNode } from "./flow";
import { inputPorts, outputPorts } from "./graph";

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function spread(index: number, count: number): string {
  return `${((index + 1) * 100) / (count + 1)}%`;
}

function NodeViewInner({ data, selected }: NodeProps<EditorNode>) {
  const { node, type, problems, schema, run } = data;
  const inputs = inputPorts(type);
  const outputs = outputPorts(node, type);
  const firstOut = outputs[0];
  const columns = firstOut && schema ? schema[firstOut] : undefined;
  const state = run?.state.toLowerCase();
  const classes = ["editor-node"];
  if (selected) classes.push("selected");
  if (problems.length > 0) classes.push("has-problems");
  if (state) classes.push(`run-${state}`);
  return (
    <div
      className={classes.join(" ")}
      data-testid={`node-${node.id}`}
      data-run-state={run?.state ?? ""}
      data-problem-count={problems.length}
    >
      {inputs.map((port, index) => (
        <Handle
          key={port.name}
          id={inHandle(port.name)}
          type="target"
          position={Position.Left}
          style={{ top: spread(index, inputs.length) }}
          title={`input ${port.name}${port.many ? " (takes many)" : ""}`}
          data-testid={`handle-${node.id}-in-${port.name}`}
        >
          {inputs.length > 1 && <span className="port-name port-name-in">{port.name}</span>}
        </Handle>
      ))}
      <div className="editor-node-head">
        <span className="editor-node-label">{node.label || type?.label || node.type}</span>
        <span className="editor-node-type">{type ? `${type.label} · ${node.id}` : `${node.type} (unknown type)`}</span>
      </div>
      {columns !== undefined && (
        <div className="editor-node-schema" data-testid="node-schema" title={columns.map((c) => `${c.name} ${c.type}`).join("\n")}>
          {columns.length} cols: {summariseColumns(columns)}
        </div>
      )}
      {problems.length > 0 && (
        <div className="editor-node-problems" data-testid="node-problems" title={problems.map((p) => p.message).join("\n")}>
          ⚠ {problems.length === 1 ? problems[0]?.message : `${problems.length} problems: ${problems[0]?.message}`}
        </div>
      )}
      {run && (
        <div className="editor-node-run" data-testid="node-run">
          <span className={`run-badge run-badge-${state}`}>{run.state}</span>
          {(run.rows_out != null || run.rows_note) && (
            <span data-testid="node-run-rows" title={run.rows_note ?? undefined}>
              {describeRows({ state: run.state, rows_out: run.rows_out ?? null, rows_note: run.rows_note ?? null }, (n) => n.toLocaleString())}
            </span>
          )}
          {run.duration_ms != null && <span>{formatDuration(run.duration_ms)}</span>}
          {run.error && <span className="editor-node-error">{run.error}</span>}
        </div>
      )}
      {outputs.map((port, index) => (
        <Handle
          key={port}
          id={outHandle(port)}
          type="source"
          position={Position.Right}
          style={{ top: spread(index, outputs.length) }}
          title={`output ${port}`}
          data-testid={`handle-${node.id}-out-${port}`}
        >
          {outputs.length > 1 && <span className="port-name port-name-out">{port}</span>}
        </Handle>
      ))}
    </div>
  );
}

export const NodeView = memo(NodeViewInner);

/** At module level, as React Flow wants: a new object each render would remount every node. */
export const NODE_TYPES = { glueweb: NodeView };
