import { useEffect, useState } from "react";
import { useLocation } from "react-router";
import { ApiError, apiPost, loginUrl } from "../api/client";
import { PageHeader } from "../components/PageHeader";
import { useLiveChannel } from "../live/LiveContext";
import type { LiveEvent, LiveState, LiveTarget } from "../live/socket";
import { DashboardRuns } from "../runs/DashboardRuns";
import { useEventBus, type Subscribe } from "../runs/useRuns";

export const PING_PATH = "/api/diagnostics/ping/";
export const PONG_TYPE = "diagnostic.pong";
const SHOWN_PONGS = 10;
const KEPT_PONGS = 100;
/** After this long without the matching event, say so (a worker may not be running). */
export const PING_PATIENCE_MS = 10_000;

const DASHBOARD: LiveTarget = { kind: "dashboard" };

export interface PingResponse {
  ping: number;
  sent_at: string;
}

interface Pong {
  id: number;
  diagnostic: number | null;
  worker: string;
  requestedBy: string | null;
  /** Browser clock (Date.now()) when the event arrived. */
  receivedAt: number;
  sentAt: string | null;
}

/** Milliseconds from `sentAt` (ISO time) to `receivedAt` (epoch ms), or null if unknown. */
export function latencyMs(receivedAt: number, sentAt: string | null | undefined): number | null {
  if (!sentAt) return null;
  const sent = Date.parse(sentAt);
  return Number.isNaN(sent) ? null : Math.round(receivedAt - sent);
}

function toPong(event: LiveEvent, receivedAt: number): Pong {
  return {
    id: event.id,
    diagnostic: typeof event.diagnostic === "number" ? event.diagnostic : null,
    worker: typeof event.worker === "string" && event.worker ? event.worker : "an unknown worker",
    requestedBy: typeof event.requested_by === "string" ? event.requested_by : null,
    receivedAt,
    sentAt: typeof event.sent_at === "string" ? event.sent_at : null,
  };
}

function formatLatency(ms: number | null): string {
  return ms === null ? "—" : `${ms} ms`;
}

function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour12: false });
}

function LivePanel({ live, subscribe }: { live: LiveState; subscribe: Subscribe }) {
  const location = useLocation();
  const [pongs, setPongs] = useState<Pong[]>([]);
  const [pending, setPending] = useState<PingResponse | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.type !== PONG_TYPE) return;
        const pong = toPong(event, Date.now());
        setPongs((previous) => [pong, ...previous].slice(0, KEPT_PONGS));
      }),
    [subscribe],
  );

  // The event may even arrive before the POST's answer: match in either order.
  const match = pending ? pongs.find((pong) => pong.diagnostic === pending.ping) : undefined;

  useEffect(() => {
    setOverdue(false);
    if (!pending || match) return;
    const timer = window.setTimeout(() => setOverdue(true), PING_PATIENCE_MS);
    return () => window.clearTimeout(timer);
  }, [pending, match]);

  async function sendPing() {
    setSending(true);
    setError(null);
    setPending(null);
    try {
      setPending(await apiPost<PingResponse>(PING_PATH, {}));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : `Could not send the test event: ${String(caught)}`);
    } finally {
      setSending(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="live-title">
      <div className="panel-header">
        <h2 id="live-title">Live channel</h2>
        <span className="live-status" data-testid="live-status" data-status={live.status}>
          {live.status}
        </span>
      </div>
      <div className="panel-body">
        <p className="muted">
          A test event goes from this page to the API, through a worker, and back over the live channel; the time it took
          shows that events reach the browser.
        </p>
        {live.message && (
          <p className={live.status === "closed" ? "inline-error" : "inline-warning"} role="status">
            {live.message}
            {live.status === "closed" && (
              <>
                {" "}
                <a href={loginUrl(location.pathname)}>Sign in again</a> or reload the page to reconnect.
              </>
            )}
          </p>
        )}
        <div className="toolbar">
          <button type="button" className="button" data-testid="live-ping" onClick={() => void sendPing()} disabled={sending}>
            {sending ? "Sending…" : "Send test event"}
          </button>
          <div className="live-outcome" role="status" aria-live="polite">
            {match && pending && (
              <span data-testid="live-result">
                Event from {match.worker} arrived {latencyMs(match.receivedAt, pending.sent_at) ?? "?"} ms after sending
              </span>
            )}
            {pending && !match && !overdue && <span className="muted">Test event {pending.ping} sent; waiting for it…</span>}
            {pending && !match && overdue && (
              <span className="inline-warning">
                Test event {pending.ping} has not come back after {PING_PATIENCE_MS / 1000} s. Is a worker running?
              </span>
            )}
          </div>
        </div>
        {error && (
          <p className="inline-error" role="alert" data-testid="live-error">
            {error}
          </p>
        )}
        <h3 className="subheading">Recent test events</h3>
        {pongs.length === 0 ? (
          <p className="muted">No test events received since this page opened.</p>
        ) : (
          <table className="data-table" data-testid="live-pongs">
            <thead>
              <tr>
                <th scope="col">Test event</th>
                <th scope="col">Worker</th>
                <th scope="col">Requested by</th>
                <th scope="col">Received</th>
                <th scope="col" className="numeric">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {pongs.slice(0, SHOWN_PONGS).map((pong) => (
                <tr key={pong.id}>
                  <td>{pong.diagnostic ?? "—"}</td>
                  <td>{pong.worker}</td>
                  <td>{pong.requestedBy ?? "—"}</td>
                  <td>{formatClock(pong.receivedAt)}</td>
                  <td className="numeric">{formatLatency(latencyMs(pong.receivedAt, pong.sentAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

export function DashboardPage() {
  // One socket for the whole page, fanned out to the runs section and the diagnostic.
  const bus = useEventBus();
  const live = useLiveChannel(DASHBOARD, bus.publish);
  return (
    <div className="page">
      <PageHeader title="Dashboard" />
      <DashboardRuns subscribe={bus.subscribe} liveStatus={live.status} />
      <LivePanel live={live} subscribe={bus.subscribe} />
    </div>
  );
}
