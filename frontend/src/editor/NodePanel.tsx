/** The side panel of the selected node: its label and its parameter form. */
import { memo } from "react";
import { SchemaForm } from "./SchemaForm";
import { edgeInto, inputPorts, sourcePort } from "./graph";
import type { Column, GraphDocument, GraphNode, NodeType, Problem, SchemaAnswer } from "./types";

export function columnsArriving(graph: GraphDocument, schemas: SchemaAnswer["nodes"], nodeId: string, port: string): Column[] | undefined {
  const edge = edgeInto(graph, nodeId, port);
  if (!edge) return undefined;
  return schemas[edge.source]?.ports[sourcePort(edge)];
}

function NodePanelInner({
  graph,
  node,
  type,
  problems,
  schemas,
  onChange,
}: {
  graph: GraphDocument;
  node: GraphNode;
  type: NodeType | undefined;
  problems: Problem[];
  schemas: SchemaAnswer["nodes"];
  onChange: (change: Partial<Omit<GraphNode, "id">>, typing?: string) => void;
}) {
  const inputs = inputPorts(type);
  const general = problems.filter((problem) => !problem.field.startsWith("params."));
  return (
    <section className="node-panel" aria-label={`Node ${node.id}`}>
      <h2>
        {type?.label ?? node.type} <span className="muted">({node.id})</span>
      </h2>
      <div className="form-field">
        <label htmlFor={`node-${node.id}-label`} className="form-label">
          Label
        </label>
        <input
          id={`node-${node.id}-label`}
          type="text"
          value={node.label ?? ""}
          maxLength={200}
          onChange={(event) => onChange({ label: event.target.value }, `${node.id}/label`)}
        />
      </div>
      {general.length > 0 && (
        <ul className="field-problems" data-testid="node-panel-problems">
          {general.map((problem, index) => (
            <li key={index}>
              {problem.field ? `${problem.field}: ` : ""}
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {type ? (
        <SchemaForm
          key={node.id}
          schema={type.params_schema}
          value={node.params}
          onChange={(params) => onChange({ params }, `${node.id}/params`)}
          context={{
            firstInput: inputs[0]?.name,
            columnsOf: (port) => columnsArriving(graph, schemas, node.id, port),
            problems,
            idPrefix: `param-${node.id}`,
          }}
        />
      ) : (
        <p className="muted">glueweb has no node type "{node.type}"; remove this node or change the graph's JSON.</p>
      )}
    </section>
  );
}

export const NodePanel = memo(NodePanelInner);
