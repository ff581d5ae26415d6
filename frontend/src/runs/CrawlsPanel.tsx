import { useEffect, useState } from "react";
import type { LiveStatus } from "../live/socket";
import { applyCrawlEvent, fetchCrawls, type CrawlRow } from "./crawls";
import { formatCount, formatTime } from "./format";
import { StateBadge } from "./StateBadge";
import type { Subscribe } from "./useRuns";

const CRAWL_ENDS: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "STOPPED", "ERROR"]);

/** Each crawler's latest crawl, live. */
export function CrawlsPanel({ subscribe, liveStatus }: { subscribe: Subscribe; liveStatus: LiveStatus }) {
  const [rows, setRows] = useState<readonly CrawlRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const open = liveStatus === "open";
  const [ended, setEnded] = useState(0);

  // Read when the page opens, whenever the live channel (re)opens, and when a crawl ends (its figures are final then).
  useEffect(() => {
    const controller = new AbortController();
    fetchCrawls(controller.signal).then(
      (fetched) => {
        setRows(fetched);
        setError(null);
      },
      (caught: unknown) => {
        if (!controller.signal.aborted) setError(caught instanceof Error ? caught.message : String(caught));
      },
    );
    return () => controller.abort();
  }, [open, ended]);

  useEffect(
    () =>
      subscribe((event) => {
        setRows((current) => applyCrawlEvent(current, event));
        if (event.type === "crawl.state" && typeof event.state === "string" && CRAWL_ENDS.has(event.state)) setEnded((n) => n + 1);
      }),
    [subscribe],
  );

  return (
    <section className="panel" aria-labelledby="crawls-title">
      <div className="panel-header">
        <h2 id="crawls-title">Crawls</h2>
      </div>
      <div className="panel-body">
        {error && (
          <p className="inline-error" role="alert">
            Could not load the crawlers: {error}
          </p>
        )}
        {rows.length === 0 ? (
          <p className="muted">No crawlers yet.</p>
        ) : (
          <table className="data-table" data-testid="crawls-table">
            <thead>
              <tr>
                <th scope="col">Crawler</th>
                <th scope="col">Latest crawl</th>
                <th scope="col">Started</th>
                <th scope="col" className="numeric">
                  Tables created or updated
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.crawler} data-testid={`crawl-row-${row.crawler}`}>
                  <td>{row.crawler}</td>
                  <td>
                    {row.run === null ? <span className="muted">never crawled</span> : <StateBadge state={row.state} />}
                    {row.dryRun && <span className="muted"> (dry run)</span>}
                  </td>
                  <td>{formatTime(row.startedAt)}</td>
                  <td className="numeric">{formatCount(row.tablesChanged)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
