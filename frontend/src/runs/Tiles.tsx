import { formatPercent } from "./format";
import type { Tiles } from "./stats";
import { RUN_STATES, stateColour } from "./states";

/** The dashboard's headline figures for the chosen period (job runs and crawls). */
export function RunTiles({ tiles, period }: { tiles: Tiles; period: string }) {
  return (
    <div className="runs-tiles">
      <div className="runs-tile" data-testid="tile-total">
        <span className="runs-tile-label">Runs, {period}</span>
        <strong className="runs-tile-value">{tiles.total}</strong>
        <span className="runs-tile-label" data-testid="tile-kinds" data-jobs={tiles.byKind.job} data-crawls={tiles.byKind.crawl}>
          {tiles.byKind.job} job {tiles.byKind.job === 1 ? "run" : "runs"}, {tiles.byKind.crawl} {tiles.byKind.crawl === 1 ? "crawl" : "crawls"}
        </span>
      </div>
      <div className="runs-tile" data-testid="tile-success-rate">
        <span className="runs-tile-label">Success rate</span>
        <strong className="runs-tile-value">{formatPercent(tiles.successRate)}</strong>
      </div>
      <div className="runs-tile" data-testid="tile-running">
        <span className="runs-tile-label">Running now</span>
        <strong className="runs-tile-value">{tiles.runningNow}</strong>
      </div>
      <ul className="runs-tile runs-tile-states" aria-label="Runs by state" data-testid="tile-states">
        {RUN_STATES.map((state) => (
          <li key={state} data-state={state} data-count={tiles.byState[state] ?? 0}>
            <i style={{ background: stateColour(state) }} /> {state} <strong>{tiles.byState[state] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
