import { useState, type FormEvent } from "react";
import { catalogApi, withQuery, type Preview, type Table } from "./api";
import { useApiGet } from "./hooks";
import { cellText, ColumnType, ErrorText, Loading, Section } from "./widgets";

export const PREVIEW_ROWS = 50;

function PreviewGrid({ preview }: { preview: Preview }) {
  return (
    <div className="catalog-grid-scroll">
      <table className="data-table catalog-grid" data-testid="preview-grid">
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th key={column.name} scope="col" data-column={column.name}>
                <span className="catalog-grid-name">{column.name}</span>
                <ColumnType type={column.type} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, r) => (
            <tr key={r} data-testid="preview-row">
              {row.map((value, c) => (
                <td key={c} className={value === null ? "muted" : undefined}>
                  {cellText(value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The table's first rows, read from its location by the server (optionally only some partitions). */
export function PreviewSection({ table }: { table: Table }) {
  const [draft, setDraft] = useState("");
  const [filter, setFilter] = useState("");
  const path = withQuery(catalogApi.preview(table.database, table.name), {
    limit: PREVIEW_ROWS,
    partition_filter: filter,
  });
  // A view or a table without a location has no files to read: do not ask.
  const readable = table.location.trim() !== "";
  const [loaded, reload] = useApiGet<Preview>(readable ? path : null);
  const partitioned = table.partition_keys.length > 0;
  const filterError = loaded.status === "error" ? loaded.error.fieldErrors.partition_filter?.join(" ") : undefined;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === filter) reload();
    else setFilter(draft.trim());
  };

  return (
    <Section title="Data preview" testId="preview">
      {!readable && (
        <p className="muted" data-testid="preview-unavailable">
          This table has no location, so there is nothing to preview.
        </p>
      )}
      {readable && partitioned && (
        <form className="toolbar catalog-filter-form" onSubmit={apply}>
          <label htmlFor="preview-filter">Partition filter</label>
          <input
            id="preview-filter"
            className="catalog-expression"
            data-testid="preview-filter"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="button" data-testid="preview-filter-apply">
            Apply
          </button>
          {filterError && (
            <span className="inline-error" role="alert" data-testid="preview-filter-error">
              {filterError}
            </span>
          )}
        </form>
      )}
      {readable && loaded.status === "loading" && <Loading what="rows" />}
      {loaded.status === "error" && !filterError && <ErrorText error={loaded.error} testId="preview-error" />}
      {loaded.status === "ready" && (
        <>
          <p className="muted" data-testid="preview-count">
            {loaded.data.row_count === 0
              ? "No rows."
              : `First ${loaded.data.row_count} row${loaded.data.row_count === 1 ? "" : "s"}.`}
          </p>
          {loaded.data.columns.length > 0 && <PreviewGrid preview={loaded.data} />}
        </>
      )}
    </Section>
  );
}
