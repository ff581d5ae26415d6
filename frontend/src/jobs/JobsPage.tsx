/** The Jobs page: every job with its last run; create, duplicate, rename, delete, import and export. */
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { EmptyState } from "../components/EmptyState";
import { ImportJsonButton } from "../components/ImportJsonButton";
import { PageHeader } from "../components/PageHeader";
import { parseGraph } from "../editor/graph";
import { StateBadge } from "../runs/StateBadge";
import {
  copyName,
  createJob,
  deleteJob,
  downloadText,
  exportDocument,
  listJobs,
  updateJob,
  type JobSettings,
  type ListedJob,
} from "./api";

function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "";
}

export function JobsPage() {
  const navigate = useNavigate();
  const [rows, setRows] = useState<ListedJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setRows(await listJobs());
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage(done);
      setError(null);
      await load();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  const names = new Set((rows ?? []).map((job) => job.name));

  const duplicate = (job: ListedJob) => {
    const name = copyName(job.name, names);
    const { id: _id, version: _v, created_at: _c, updated_at: _u, last_run: _l, ...rest } = job;
    void [_id, _v, _c, _u, _l];
    return act(() => createJob({ ...rest, name }), `Created ${name}.`);
  };

  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      const graph = parseGraph(text);
      const raw = JSON.parse(text) as Partial<JobSettings> & { graph?: unknown };
      const base = typeof raw.name === "string" && raw.graph ? raw.name : file.name.replace(/\.json$/i, "");
      const settings = raw.graph ? raw : {};
      const name = names.has(base) ? copyName(base, names) : base;
      await act(() => createJob({ ...settings, name, graph }), `Imported ${name}.`);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <section className="page jobs-page" aria-labelledby="page-title">
      <PageHeader title="Jobs">
        <div className="toolbar">
          <ImportJsonButton testId="import-job" onFile={(file) => void importFile(file)} />
          <button type="button" className="button-primary" onClick={() => navigate("/jobs/new")}>
            New job
          </button>
        </div>
      </PageHeader>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {message && !error && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
      {rows === null && !error && <p className="muted">Loading jobs…</p>}
      {rows !== null && rows.length === 0 && <EmptyState>No jobs yet. Create one with New job, or import a graph's JSON.</EmptyState>}
      {rows !== null && rows.length > 0 && (
        <table className="data-table" data-testid="jobs-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Last run</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((job) => (
              <tr key={job.id} data-job={job.name}>
                <td>
                  {renaming?.id === job.id ? (
                    <form
                      onSubmit={(event) => {
                        event.preventDefault();
                        const name = renaming.name.trim();
                        setRenaming(null);
                        if (name && name !== job.name) void act(() => updateJob(job.id, { name }), `Renamed to ${name}.`);
                      }}
                    >
                      <input
                        aria-label={`New name for ${job.name}`}
                        value={renaming.name}
                        autoFocus
                        onChange={(event) => setRenaming({ id: job.id, name: event.target.value })}
                        onKeyDown={(event) => {
                          if (event.key === "Escape") setRenaming(null);
                        }}
                      />
                      <button type="submit" className="button-small">
                        Rename
                      </button>
                      <button type="button" className="button-small" onClick={() => setRenaming(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <Link to={`/jobs/${job.id}`}>{job.name}</Link>
                  )}
                  {job.description && <div className="muted">{job.description}</div>}
                </td>
                <td>{job.version}</td>
                <td data-testid="last-run">
                  {job.last_run === null ? (
                    <span className="muted">never run</span>
                  ) : (
                    <Link to={`/runs/${job.last_run.id}`} title={`Run ${job.last_run.id}`}>
                      <StateBadge state={job.last_run.state} /> · {when(job.last_run.created_at)}
                    </Link>
                  )}
                </td>
                <td>{when(job.updated_at)}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button-small" onClick={() => setRenaming({ id: job.id, name: job.name })} aria-label={`Rename ${job.name}`}>
                      Rename
                    </button>
                    <button type="button" className="button-small" onClick={() => void duplicate(job)} aria-label={`Duplicate ${job.name}`}>
                      Duplicate
                    </button>
                    <button type="button" className="button-small" onClick={() => downloadText(`${job.name}.json`, exportDocument(job))} aria-label={`Export ${job.name}`}>
                      Export
                    </button>
                    <button
                      type="button"
                      className="button-small button-danger"
                      aria-label={`Delete ${job.name}`}
                      onClick={() => {
                        if (window.confirm(`Delete the job ${job.name} and its versions?`)) void act(() => deleteJob(job.id), `Deleted ${job.name}.`);
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
