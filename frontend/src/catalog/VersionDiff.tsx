import { catalogApi, type Column, type TableVersion, type VersionDiff as Diff } from "./api";
import { useApiGet } from "./hooks";
import { ColumnType, ErrorText, Loading } from "./widgets";

export type ColumnChange = "added" | "removed" | "retyped" | "recommented" | null;

/** How a column on one side of the diff changed: the left side can lose columns, the right gain them. */
export function changeOf(diff: Diff, side: "from" | "to", name: string): ColumnChange {
  const { columns } = diff;
  if (side === "from" && columns.removed.some((c) => c.name === name)) return "removed";
  if (side === "to" && columns.added.some((c) => c.name === name)) return "added";
  if (columns.retyped.some((c) => c.name === name)) return "retyped";
  if (columns.recommented.some((c) => c.name === name)) return "recommented";
  return null;
}

const CHANGE_LABEL: Record<Exclude<ColumnChange, null>, string> = {
  added: "added",
  removed: "removed",
  retyped: "type changed",
  recommented: "comment changed",
};

function Side({ version, diff, side }: { version: TableVersion; diff: Diff; side: "from" | "to" }) {
  return (
    <div className="catalog-diff-side" data-testid={`diff-${side}`}>
      <h3 className="subheading">
        Version {version.version} <span className="muted">by {version.changed_by.name || version.changed_by.kind}</span>
      </h3>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {version.columns.map((column: Column) => {
            const change = changeOf(diff, side, column.name);
            return (
              <tr
                key={column.name}
                data-column={column.name}
                data-change={change ?? "same"}
                className={change ? `catalog-diff-${change}` : undefined}
              >
                <td>{column.name}</td>
                <td>
                  <ColumnType type={column.type} />
                </td>
                <td>{change ? CHANGE_LABEL[change] : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function OtherChanges({ diff }: { diff: Diff }) {
  const fields = Object.entries(diff.changed);
  const keys = diff.partition_keys;
  const keyChanges = keys.added.length + keys.removed.length + keys.retyped.length;
  if (fields.length === 0 && keyChanges === 0 && !diff.columns.reordered) return null;
  return (
    <ul className="catalog-diff-other" data-testid="diff-other">
      {diff.columns.reordered && <li>Columns were reordered.</li>}
      {keyChanges > 0 && (
        <li>
          Partition keys: {keys.added.map((k) => `+${k.name}`).join(" ")} {keys.removed.map((k) => `−${k.name}`).join(" ")}{" "}
          {keys.retyped.map((k) => `${k.name}: ${k.from} → ${k.to}`).join(", ")}
        </li>
      )}
      {fields.map(([field, change]) => (
        <li key={field}>
          {field}: <code>{JSON.stringify(change.from)}</code> → <code>{JSON.stringify(change.to)}</code>
        </li>
      ))}
    </ul>
  );
}

/** Two versions of a table side by side; added, removed and retyped columns are marked. */
export function VersionDiff({ database, table, from, to }: { database: string; table: string; from: number; to: number }) {
  const base = catalogApi.versions(database, table);
  const [older] = useApiGet<TableVersion>(`${base}${from}/`);
  const [newer] = useApiGet<TableVersion>(`${base}${to}/`);
  const [diff] = useApiGet<Diff>(catalogApi.diff(database, table, from, to));
  for (const loaded of [older, newer, diff]) {
    if (loaded.status === "error") return <ErrorText error={loaded.error} testId="diff-error" />;
  }
  if (older.status !== "ready" || newer.status !== "ready" || diff.status !== "ready") return <Loading what="the diff" />;
  const { added, removed, retyped } = diff.data.columns;
  return (
    <div className="catalog-diff" data-testid="version-diff">
      <p data-testid="diff-summary">
        From version {from} to {to}: {added.length} added, {removed.length} removed, {retyped.length} retyped
        {retyped.length > 0 && ` (${retyped.map((r) => `${r.name}: ${r.from} → ${r.to}`).join(", ")})`}.
      </p>
      <OtherChanges diff={diff.data} />
      <div className="catalog-diff-sides">
        <Side version={older.data} diff={diff.data} side="from" />
        <Side version={newer.data} diff={diff.data} side="to" />
      </div>
    </div>
  );
}
