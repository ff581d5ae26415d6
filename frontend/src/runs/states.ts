/** Run states as docs/runs.md names them (AWS Glue's), and what the pages do with them. */

export const RUN_STATES = ["WAITING", "STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"] as const;
export type RunState = (typeof RUN_STATES)[number];

export const FINAL_STATES: ReadonlySet<string> = new Set(["STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"]);
/** States that hold one of the job's slots: "running now". */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(["STARTING", "RUNNING", "STOPPING"]);
/** States from which a stop request is accepted. */
export const STOPPABLE_STATES: ReadonlySet<string> = new Set(["WAITING", "STARTING", "RUNNING"]);
/** Endings that count against the success rate (STOPPED was someone's choice, not a failure). */
export const FAILED_STATES: ReadonlySet<string> = new Set(["FAILED", "TIMEOUT", "ERROR"]);

export const TRIGGERS = ["user", "schedule", "trigger", "retry"] as const;

export function isFinal(state: string): boolean {
  return FINAL_STATES.has(state);
}

/** The colour of each state in badges and charts (also used as a CSS class suffix). */
export const STATE_COLOURS: Readonly<Record<string, string>> = {
  WAITING: "#8a94a6",
  STARTING: "#5b9bf5",
  RUNNING: "#2457a6",
  STOPPING: "#c58a1a",
  STOPPED: "#6b7280",
  SUCCEEDED: "#1d7a46",
  FAILED: "#b3261e",
  TIMEOUT: "#9a3412",
  ERROR: "#7c1d6f",
};

export function stateColour(state: string): string {
  return STATE_COLOURS[state] ?? "#8a94a6";
}
