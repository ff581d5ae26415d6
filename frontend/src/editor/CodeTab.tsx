/** The graph exported as a Polars script, to read, copy or download. */
import { memo, useEffect, useState } from "react";
import { copyText } from "../components/copyText";
import { downloadText } from "../jobs/api";
import { exportScript, problemsOf } from "./api";
import { PREVIEW_DELAY_MS } from "./hooks";
import type { GraphDocument, Problem } from "./types";

/** How long Copy says "Copied". */
const COPIED_MS = 2000;

function CodeTabInner({ graph, title }: { graph: GraphDocument; title: string }) {
  const [script, setScript] = useState<{ filename: string; script: string } | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    const controller = new AbortController();
    // Debounced like the other requests that follow the graph: one export per pause in typing.
    const timer = setTimeout(() => {
      exportScript(graph, title, controller.signal).then(
        (answer) => {
          setScript(answer);
          setProblems(null);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setScript(null);
          setProblems(problemsOf(error));
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [graph, title]);
  if (problems) {
    return (
      <div data-testid="code-problems">
        <p>The graph cannot be exported until these are fixed:</p>
        <ul className="field-problems">
          {problems.map((problem, index) => (
            <li key={index}>
              {problem.node ? `${problem.node}: ` : ""}
              {problem.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (!script) return <p className="muted">Exporting…</p>;
  return (
    <div className="code-tab">
      <div className="toolbar">
        <button
          type="button"
          onClick={() => {
            void copyText(script.script).then((done) => {
              setCopy(done ? "copied" : "failed");
              if (done) setTimeout(() => setCopy("idle"), COPIED_MS);
            });
          }}
        >
          {copy === "copied" ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={() => downloadText(script.filename, script.script, "text/x-python")}>
          Download {script.filename}
        </button>
      </div>
      {copy === "failed" && (
        <p className="field-problems" role="status">
          The browser would not copy: select the code below and press Ctrl+C.
        </p>
      )}
      <pre className="code-block" data-testid="exported-code">
        <code>{script.script}</code>
      </pre>
    </div>
  );
}

export const CodeTab = memo(CodeTabInner);
