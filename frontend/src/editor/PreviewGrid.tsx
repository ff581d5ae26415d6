/** Sample rows of the selected node's output, with column names and types, labelled as a sample. */
import { memo } from "react";
import type { PreviewAnswer, Problem } from "./types";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function PreviewGridInner({
  node,
  preview,
  problems,
  loading,
}: {
  node: string | null;
  preview: PreviewAnswer | null;
  problems: Problem[] | null;
  loading: boolean;
}) {
  if (!node) return <p className="muted">Select a node to preview its output.</p>;
  if (problems && problems.length > 0) {
    return (
      <div data-testid="preview-problems">
        <p>No preview of {node}:</p>
        <ul className="field-problems">
          {problems.map((problem, index) => (
            <li key={index}>{problem.message}</li>
          ))}
        </ul>
      </div>
    );
  }
  if (!preview) return <p className="muted">{loading ? "Loading a preview…" : "No preview yet."}</p>;
  return (
    <div className="preview-grid" data-testid="preview-grid">
      <p className="muted" data-testid="preview-caption">
        Sample: first {preview.rows.length} rows of {preview.node}.{preview.port}, computed from up to{" "}
        {preview.sample.rows_per_source.toLocaleString()} rows per source{loading ? " (updating…)" : ""}.
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              {preview.columns.map((column) => (
                <th key={column.name} scope="col">
                  {column.name}
                  <span className="column-type">{column.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, index) => (
              <tr key={index}>
                {preview.columns.map((column) => (
                  <td key={column.name}>{cell(row[column.name])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export const PreviewGrid = memo(PreviewGridInner);
