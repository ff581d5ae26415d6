import { Link } from "react-router";
import { catalogRoutes } from "../catalog/api";
import { formatTime } from "../catalog/widgets";
import { StateBadge } from "../runs/StateBadge";
import { actionLabel, type Change, type RunDetail } from "./api";

function ColumnDiff({ change }: { change: Change }) {
  const diff = change.diff?.columns;
  if (!diff) return null;
  return (
    <ul className="crawler-diff" data-testid="column-diff">
      {diff.added.map((c) => (
        <li key={`+${c.name}`} className="diff-added">
          + {c.name} <code>{c.type}</code>
        </li>
      ))}
      {diff.removed.map((c) => (
        <li key={`-${c.name}`} className="diff-removed">
          − {c.name} <code>{c.type}</code>
        </li>
      ))}
      {diff.retyped.map((c) => (
        <li key={`~${c.name}`} className="diff-retyped">
          ~ {c.name} <code>{c.from}</code> → <code>{c.to}</code>
        </li>
      ))}
    </ul>
  );
}

function ChangeRow({ change, database, applied }: { change: Change; database: string; applied: boolean }) {
  const tableLink =
    applied && change.table && change.action !== "delete_table" ? (
      <Link to={catalogRoutes.table(database, change.table)}>{change.table}</Link>
    ) : (
      change.table || database
    );
  return (
    <tr data-action={change.action} data-table={change.table} data-decision={change.decision}>
      <td>{actionLabel(change.action)}</td>
      <td>{tableLink}</td>
      <td>
        <span className={change.decision === "apply" ? "crawler-apply" : "muted"}>
          {change.decision === "apply" ? "apply" : "log only"}
        </span>
      </td>
      <td>
        <div>{change.reason}</div>
        {change.columns && (
          <div className="muted">
            {change.columns.map((c) => `${c.name} ${c.type}`).join(", ")}
            {change.partition_keys && change.partition_keys.length > 0 && (
              <> · partitioned by {change.partition_keys.map((k) => `${k.name} ${k.type}`).join(", ")}</>
            )}
          </div>
        )}
        {change.partitions && (
          <div className="muted">
            {change.count} partition(s): {change.partitions.map((p) => p.join("/")).join(", ")}
            {(change.count ?? 0) > change.partitions.length ? ", …" : ""}
          </div>
        )}
        <ColumnDiff change={change} />
      </td>
    </tr>
  );
}

/** A run or dry run: its counts, the plan with each change's reason, the tables found, errors and log. */
export function RunView({ run, database }: { run: RunDetail; database: string }) {
  const applied = !run.dry_run && run.state === "SUCCEEDED";
  return (
    <div className="crawler-run" data-testid="crawler-run" data-run={run.id}>
      <p>
        <StateBadge state={run.state} testId="crawler-run-state" /> {run.dry_run ? "Dry run" : "Run"} #{run.id}, started{" "}
        {formatTime(run.started_at)} by {run.started_by || "—"}
      </p>
      {run.error && (
        <p className="inline-error" role="alert" data-testid="crawler-run-error">
          {run.error}
        </p>
      )}
      <p data-testid="crawler-run-counts">
        {run.files_total} files listed, {run.files_scanned} read, {run.files_skipped} skipped · tables{" "}
        {run.dry_run ? "that would be" : ""} created {run.tables_created}, updated {run.tables_updated}, deprecated{" "}
        {run.tables_deprecated}, deleted {run.tables_deleted} · partitions added {run.partitions_added}, removed{" "}
        {run.partitions_removed}
      </p>
      <h3>{run.dry_run ? "Changes this crawl would make" : "Changes"}</h3>
      {run.changes.length === 0 ? (
        <p className="muted">No changes: the catalog already matches the files.</p>
      ) : (
        <table className="data-table" data-testid="crawler-changes">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Table</th>
              <th scope="col">Decision</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {run.changes.map((change, i) => (
              <ChangeRow key={`${change.action}-${change.table}-${i}`} change={change} database={database} applied={applied} />
            ))}
          </tbody>
        </table>
      )}
      {run.tables.length > 0 && (
        <>
          <h3>Tables found</h3>
          <ul data-testid="crawler-tables">
            {run.tables.map((table) => (
              <li key={table.name} data-table={table.name}>
                <strong>{table.name}</strong> at <code>{table.location}</code>: {table.reason}
                {table.merged.length > 0 && <span className="muted"> ({table.merged.join("; ")})</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {run.file_errors.length > 0 && (
        <>
          <h3>Files skipped</h3>
          <ul data-testid="crawler-file-errors">
            {run.file_errors.map((e) => (
              <li key={e.path}>
                <code>{e.path}</code>: {e.error}
              </li>
            ))}
          </ul>
        </>
      )}
      {run.log.length > 0 && (
        <details>
          <summary>Log</summary>
          <pre className="crawler-log">{run.log.map((line) => `${line.level}: ${line.message}`).join("\n")}</pre>
        </details>
      )}
    </div>
  );
}
