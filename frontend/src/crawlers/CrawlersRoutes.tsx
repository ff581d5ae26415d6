import { useRef, useState } from "react";
import { Link, Route, Routes, useParams } from "react-router";
import { apiGet, apiPost } from "../api/client";
import { EmptyState } from "../components/EmptyState";
import { PageHeader } from "../components/PageHeader";
import { asApiError, useApiGet, useCanEdit } from "../catalog/hooks";
import { ErrorText, formatTime, Loading } from "../catalog/widgets";
import { useLiveChannel } from "../live/LiveContext";
import type { LiveEvent } from "../live/socket";
import { NotFoundPage } from "../pages/NotFound";
import { StateBadge } from "../runs/StateBadge";
import { useSession } from "../session";
import { crawlerApi, crawlerRoutes, FINISHED, type Crawler, type RunDetail, type RunSummary } from "./api";
import { CrawlerForm } from "./CrawlerForm";
import { RunView } from "./RunView";
import "./crawlers.css";

function useCan(capability: string): boolean {
  const session = useSession();
  return session.status === "ready" && session.me.capabilities[capability] === true;
}

/** /crawlers/*: the list, the form, one crawler with its runs, one run. */
export function CrawlersRoutes() {
  return (
    <Routes>
      <Route index element={<CrawlerListPage />} />
      <Route path="new" element={<NewCrawlerPage />} />
      <Route path=":name" element={<CrawlerPage />} />
      <Route path=":name/edit" element={<EditCrawlerPage />} />
      <Route path=":name/runs/:id" element={<RunPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function CrawlerListPage() {
  const canEdit = useCanEdit();
  const [list] = useApiGet<{ results: Crawler[] }>(crawlerApi.list());
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title="Crawlers">
        {canEdit && (
          <Link className="button" to={crawlerRoutes.create()} data-testid="crawler-new">
            New crawler
          </Link>
        )}
      </PageHeader>
      {/* Not a live region: the shell's own status line (account problems) is the page's one status. */}
      {list.status === "loading" && <p className="muted">Loading crawlers…</p>}
      {list.status === "error" && <ErrorText error={list.error} />}
      {list.status === "ready" && list.data.results.length === 0 && (
        <EmptyState>No crawlers yet. A crawler reads a folder or bucket and records the tables it finds in the catalog.</EmptyState>
      )}
      {list.status === "ready" && list.data.results.length > 0 && (
        <table className="data-table" data-testid="crawler-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Targets</th>
              <th scope="col">Database</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last run</th>
            </tr>
          </thead>
          <tbody>
            {list.data.results.map((crawler) => (
              <tr key={crawler.name} data-crawler={crawler.name}>
                <td>
                  <Link to={crawlerRoutes.crawler(crawler.name)}>{crawler.name}</Link>
                </td>
                <td>{crawler.targets.map((t) => t.path).join(", ")}</td>
                <td>{crawler.database}</td>
                <td>{crawler.schedule || "—"}</td>
                <td>
                  {crawler.last_run ? (
                    <>
                      <StateBadge state={crawler.last_run.state} /> {crawler.last_run.dry_run ? "dry run, " : ""}
                      {formatTime(crawler.last_run.ended_at ?? crawler.last_run.started_at)}
                    </>
                  ) : (
                    "never run"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewCrawlerPage() {
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title="New crawler" />
      <CrawlerForm existing={null} />
    </section>
  );
}

function EditCrawlerPage() {
  const { name = "" } = useParams();
  const [crawler] = useApiGet<Crawler>(crawlerApi.crawler(name));
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={`Edit ${name}`} />
      {crawler.status === "loading" && <Loading what="the crawler" />}
      {crawler.status === "error" && <ErrorText error={crawler.error} />}
      {crawler.status === "ready" && <CrawlerForm existing={crawler.data} />}
    </section>
  );
}

interface Progress {
  run: number;
  scanned: number;
  total: number;
}

function CrawlerPage() {
  const { name = "" } = useParams();
  const canEdit = useCanEdit();
  const canOperate = useCan("operate");
  const [crawler, reloadCrawler] = useApiGet<Crawler>(crawlerApi.crawler(name));
  const [runs, reloadRuns] = useApiGet<{ results: RunSummary[] }>(crawlerApi.runs(name));
  const [preview, setPreview] = useState<RunDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  // The dry run being previewed: a worker carries it; its plan is fetched once it ends.
  const previewId = useRef<number | null>(null);

  async function loadPreview(id: number) {
    try {
      const detail = await apiGet<RunDetail>(crawlerApi.run(name, id));
      if (previewId.current === id) setPreview(detail);
    } catch (caught) {
      setError(asApiError(caught).message);
    }
  }

  useLiveChannel({ kind: "dashboard" }, (event: LiveEvent) => {
    if (event.crawler !== name) return;
    if (event.type === "crawl.progress" && typeof event.crawl === "number") {
      setProgress({ run: event.crawl, scanned: Number(event.scanned ?? 0), total: Number(event.total ?? 0) });
    }
    if (event.type === "crawl.state" && typeof event.state === "string" && FINISHED.has(event.state)) {
      reloadCrawler();
      reloadRuns();
      if (typeof event.crawl === "number" && event.crawl === previewId.current) void loadPreview(event.crawl);
    }
  });

  async function act(path: string, dryRun: boolean) {
    setBusy(true);
    setError(null);
    try {
      const answer = await apiPost<RunDetail>(path);
      if (dryRun) {
        previewId.current = answer.id;
        setPreview(answer);
        // It may have ended before this page was listening for it.
        if (!FINISHED.has(answer.state)) void loadPreview(answer.id);
      }
      reloadCrawler();
      reloadRuns();
    } catch (caught) {
      setError(asApiError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  if (crawler.status === "loading") return <Loading what="the crawler" />;
  if (crawler.status === "error") return <ErrorText error={crawler.error} />;
  const data = crawler.data;
  const running = data.state !== "READY";
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={data.name}>
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={crawlerRoutes.list()}>Crawlers</Link> / {data.name}
        </nav>
        {canEdit && (
          <Link className="button catalog-button-secondary" to={crawlerRoutes.edit(data.name)}>
            Edit
          </Link>
        )}
        {(canEdit || canOperate) && (
          <button type="button" className="button catalog-button-secondary" disabled={busy || running} onClick={() => act(crawlerApi.dryRun(data.name), true)} data-testid="crawler-dry-run">
            Preview changes
          </button>
        )}
        {canOperate && (
          <button type="button" className="button" disabled={busy || running} onClick={() => act(crawlerApi.start(data.name), false)} data-testid="crawler-start">
            Run
          </button>
        )}
        {canOperate && running && (
          <button type="button" className="button catalog-button-secondary" onClick={() => act(crawlerApi.stop(data.name), false)} data-testid="crawler-stop">
            Stop
          </button>
        )}
      </PageHeader>
      <ErrorText error={error} testId="crawler-error" />
      <p data-testid="crawler-state">
        State: <StateBadge state={data.state} /> · database <strong>{data.database}</strong> · targets{" "}
        {data.targets.map((t) => t.path).join(", ")} · updates {data.update_behavior}, deletions {data.delete_behavior},{" "}
        {data.recrawl_behavior}
        {data.schedule && <> · schedule {data.schedule}</>}
      </p>
      {running && progress && progress.total > 0 && (
        <div className="crawler-progress" data-testid="crawler-progress">
          <progress max={progress.total} value={progress.scanned} /> {progress.scanned} of {progress.total} files
        </div>
      )}
      {preview && (
        <section aria-label="Preview" data-testid="crawler-preview">
          <h2>Preview</h2>
          {!FINISHED.has(preview.state) && (
            <p className="muted" data-testid="crawler-preview-pending">
              The dry run is {preview.state.toLowerCase()}: its plan appears here when it ends.
            </p>
          )}
          <RunView run={preview} database={data.database} />
        </section>
      )}
      <h2>Runs</h2>
      {runs.status === "ready" && runs.data.results.length === 0 && <p className="muted">Not run yet.</p>}
      {runs.status === "ready" && runs.data.results.length > 0 && (
        <table className="data-table" data-testid="crawler-runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Files read / listed</th>
              <th scope="col">Tables created / updated / deprecated / deleted</th>
              <th scope="col">Partitions added / removed</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.results.map((run) => (
              <tr key={run.id} data-run={run.id}>
                <td>
                  <Link to={crawlerRoutes.run(data.name, run.id)}>
                    #{run.id}
                    {run.dry_run ? " (dry run)" : ""}
                  </Link>
                </td>
                <td>
                  <StateBadge state={run.state} />
                </td>
                <td>{formatTime(run.started_at)}</td>
                <td>
                  {run.files_scanned} / {run.files_total}
                </td>
                <td>
                  {run.tables_created} / {run.tables_updated} / {run.tables_deprecated} / {run.tables_deleted}
                </td>
                <td>
                  {run.partitions_added} / {run.partitions_removed}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RunPage() {
  const { name = "", id = "" } = useParams();
  const [run] = useApiGet<RunDetail>(crawlerApi.run(name, Number(id)));
  const [crawler] = useApiGet<Crawler>(crawlerApi.crawler(name));
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={`${name} run #${id}`}>
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={crawlerRoutes.list()}>Crawlers</Link> / <Link to={crawlerRoutes.crawler(name)}>{name}</Link> / run {id}
        </nav>
      </PageHeader>
      {run.status === "loading" && <Loading what="the run" />}
      {run.status === "error" && <ErrorText error={run.error} />}
      {run.status === "ready" && crawler.status === "ready" && <RunView run={run.data} database={crawler.data.database} />}
    </section>
  );
}
