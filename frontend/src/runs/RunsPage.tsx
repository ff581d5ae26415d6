import { PageHeader } from "../components/PageHeader";
import { useLiveChannel } from "../live/LiveContext";
import type { LiveTarget } from "../live/socket";
import { RunsPanel } from "./RunsPanel";
import { useEventBus, useJobs } from "./useRuns";

const DASHBOARD: LiveTarget = { kind: "dashboard" };

/** /runs: every run the user may see, newest first, live. */
export function RunsPage() {
  const bus = useEventBus();
  const live = useLiveChannel(DASHBOARD, bus.publish);
  const { jobs, names } = useJobs();
  return (
    <div className="page">
      <PageHeader title="Runs">
        <span className="live-status" data-status={live.status} data-testid="runs-live-status">
          {live.status}
        </span>
      </PageHeader>
      <RunsPanel subscribe={bus.subscribe} liveStatus={live.status} jobs={jobs} jobNames={names} title="All runs" />
    </div>
  );
}
