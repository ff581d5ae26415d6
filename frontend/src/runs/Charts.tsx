/** Small SVG charts for the dashboard: no chart library, so nothing more to pin or load. */

import { formatCount, formatDuration } from "./format";
import type { DayCounts, DurationSeries } from "./stats";
import { RUN_STATES, stateColour } from "./states";

const WIDTH = 560;
const HEIGHT = 180;
const PAD = { left: 44, right: 8, top: 8, bottom: 24 };
const SERIES_COLOURS = ["#2457a6", "#1d7a46", "#c58a1a", "#7c1d6f", "#0e7490"];

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function shortDay(day: string): string {
  return day.slice(5);
}

function Axis({ max, format }: { max: number; format: (value: number) => string }) {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  return (
    <g className="chart-axis">
      {[0, 0.5, 1].map((fraction) => {
        const y = PAD.top + plotHeight * (1 - fraction);
        return (
          <g key={fraction}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 4} y={y + 4} textAnchor="end">
              {format(max * fraction)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function dayLabels(days: readonly string[], x: (index: number) => number, width: number) {
  const every = Math.max(1, Math.ceil(days.length / 8));
  return days.map((day, index) =>
    index % every === 0 ? (
      <text key={day} className="chart-label" x={x(index) + width / 2} y={HEIGHT - 6} textAnchor="middle">
        {shortDay(day)}
      </text>
    ) : null,
  );
}

/** Runs per day, one stacked bar per day, coloured by state. */
export function RunsPerDayChart({ data }: { data: readonly DayCounts[] }) {
  const totals = data.map((row) => Object.values(row.counts).reduce((a, b) => a + b, 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, data.length);
  const barWidth = Math.max(2, slot * 0.7);
  const x = (index: number) => PAD.left + slot * index + (slot - barWidth) / 2;
  const present = RUN_STATES.filter((state) => data.some((row) => (row.counts[state] ?? 0) > 0));
  return (
    <figure className="runs-chart" data-testid="chart-runs-per-day">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Runs per day by state">
        <Axis max={max} format={(value) => String(Math.round(value))} />
        {data.map((row, index) => {
          let top = PAD.top + plotHeight;
          return (
            <g key={row.day} data-day={row.day}>
              {RUN_STATES.map((state) => {
                const count = row.counts[state] ?? 0;
                if (!count) return null;
                const height = (count / max) * plotHeight;
                top -= height;
                return (
                  <rect key={state} x={x(index)} y={top} width={barWidth} height={height} fill={stateColour(state)} data-state={state} data-count={count}>
                    <title>{`${row.day}: ${count} ${state}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        {dayLabels(
          data.map((row) => row.day),
          x,
          barWidth,
        )}
      </svg>
      <figcaption className="chart-legend">
        {present.length === 0
          ? "No runs in this period."
          : present.map((state) => (
              <span key={state}>
                <i style={{ background: stateColour(state) }} /> {state}
              </span>
            ))}
      </figcaption>
    </figure>
  );
}

/** Rows written by the period's job runs, per day (crawls read files but write no rows). */
export function RowsPerDayChart({ data }: { data: readonly { day: string; rows: number }[] }) {
  const max = niceMax(Math.max(0, ...data.map((row) => row.rows)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, data.length);
  const barWidth = Math.max(2, slot * 0.7);
  const x = (index: number) => PAD.left + slot * index + (slot - barWidth) / 2;
  const total = data.reduce((sum, row) => sum + row.rows, 0);
  return (
    <figure className="runs-chart" data-testid="chart-rows">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Rows processed per day">
        <Axis max={max} format={(value) => formatCount(Math.round(value))} />
        {data.map((row, index) =>
          row.rows > 0 ? (
            <rect key={row.day} x={x(index)} y={PAD.top + plotHeight * (1 - row.rows / max)} width={barWidth} height={(row.rows / max) * plotHeight} fill="#0e7490" data-day={row.day} data-rows={row.rows}>
              <title>{`${row.day}: ${formatCount(row.rows)} rows`}</title>
            </rect>
          ) : null,
        )}
        {dayLabels(
          data.map((row) => row.day),
          x,
          barWidth,
        )}
      </svg>
      <figcaption className="chart-legend">{formatCount(total)} rows in this period</figcaption>
    </figure>
  );
}

function seriesName(series: DurationSeries): string {
  return series.kind === "crawl" ? `${series.name} (crawler)` : series.name;
}

/** Execution time of each ended run, one line per job or crawler. */
export function DurationTrendChart({ series }: { series: readonly DurationSeries[] }) {
  const points = series.flatMap((one) => one.points);
  const max = niceMax(Math.max(0, ...points.map((point) => point.seconds)));
  const first = Math.min(...points.map((point) => point.at));
  const last = Math.max(...points.map((point) => point.at));
  const span = Math.max(1, last - first);
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + (points.length < 2 ? plotWidth / 2 : ((at - first) / span) * plotWidth);
  const y = (seconds: number) => PAD.top + plotHeight * (1 - seconds / max);
  return (
    <figure className="runs-chart" data-testid="chart-duration">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Run duration per job">
        <Axis max={max} format={(value) => formatDuration(value)} />
        {series.map((one, index) => {
          const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
          return (
            <g key={one.key} data-job={one.name} data-kind={one.kind}>
              <polyline fill="none" stroke={colour} strokeWidth={1.5} points={one.points.map((point) => `${x(point.at)},${y(point.seconds)}`).join(" ")} />
              {one.points.map((point) => (
                <circle key={point.run} cx={x(point.at)} cy={y(point.seconds)} r={2.5} fill={colour}>
                  <title>{`${seriesName(one)}, ${one.kind === "crawl" ? "crawl" : "run"} ${point.run}: ${formatDuration(point.seconds)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {series.length === 0
          ? "No finished runs in this period."
          : series.map((one, index) => (
              <span key={one.key}>
                <i style={{ background: SERIES_COLOURS[index % SERIES_COLOURS.length] }} /> {seriesName(one)}
              </span>
            ))}
      </figcaption>
    </figure>
  );
}
