import { useState } from "react";
import { catalogApi, type Table, type TableVersion } from "./api";
import { usePagedList } from "./hooks";
import { VersionDiff } from "./VersionDiff";
import { formatTime, LoadMore, Section } from "./widgets";

/** The table's versions, newest first, and a side-by-side diff of any two of them. */
export function VersionsSection({ table }: { table: Table }) {
  const list = usePagedList<TableVersion>(catalogApi.versions(table.database, table.name), {}, 20);
  const latest = table.version;
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  const [shown, setShown] = useState<{ from: number; to: number } | null>(null);
  const numbers = list.items.map((v) => v.version);

  return (
    <Section title={`Versions (${latest})`} testId="versions">
      {list.items.length > 0 && (
        <table className="data-table" data-testid="version-list">
          <thead>
            <tr>
              <th scope="col" className="numeric">
                Version
              </th>
              <th scope="col">Changed</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col" className="numeric">
                Columns
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((version) => (
              <tr key={version.version} data-version={version.version}>
                <td className="numeric">{version.version}</td>
                <td>{version.version === 1 ? "created" : version.changed.join(", ") || "—"}</td>
                <td>
                  {version.changed_by.name || "—"} <span className="muted">({version.changed_by.kind})</span>
                </td>
                <td>{formatTime(version.created_at)}</td>
                <td className="numeric">{version.columns.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} testId="version-list-more" what="versions" />
      {latest > 1 && (
        <form
          className="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            setShown({ from, to });
          }}
        >
          <label>
            Compare version{" "}
            <select data-testid="diff-from" value={from} onChange={(event) => setFrom(Number(event.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            with{" "}
            <select data-testid="diff-to" value={to} onChange={(event) => setTo(Number(event.target.value))}>
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button" data-testid="diff-show" disabled={from === to}>
            Show differences
          </button>
        </form>
      )}
      {shown && <VersionDiff database={table.database} table={table.name} from={shown.from} to={shown.to} />}
    </Section>
  );
}
