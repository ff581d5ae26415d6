/** Every problem of the graph, from the engine's validation; choosing one selects its node. */
import { memo } from "react";
import type { Problem } from "./types";

function ProblemsListInner({
  problems,
  checking,
  onSelect,
}: {
  problems: readonly Problem[];
  checking: boolean;
  onSelect: (node: string) => void;
}) {
  return (
    <section className="problems-list" aria-label="Problems" data-testid="problems-list">
      <p className="muted" role="status">
        {checking ? "Checking…" : problems.length === 0 ? "No problems." : `${problems.length} problem${problems.length === 1 ? "" : "s"}.`}
      </p>
      <ul>
        {problems.map((problem, index) => (
          <li key={index} data-node={problem.node ?? ""}>
            {problem.node ? (
              <button type="button" className="link-button" onClick={() => onSelect(problem.node as string)}>
                {problem.node}
              </button>
            ) : (
              <span>graph</span>
            )}
            {problem.field && <code>{problem.field}</code>} {problem.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

export const ProblemsList = memo(ProblemsListInner);
