import { stateColour } from "./states";

export function StateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <span className="run-state" style={{ borderColor: stateColour(state), color: stateColour(state) }} data-state={state} data-testid={testId}>
      {state}
    </span>
  );
}
