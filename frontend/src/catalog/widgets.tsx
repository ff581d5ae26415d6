import type { ReactNode } from "react";
import type { ApiError } from "../api/client";
import type { Column } from "./api";
import type { PagedList } from "./hooks";

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

export function formatCount(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toLocaleString("en-US") : "—";
}

/** The text of one preview cell: JSON values as the API sends them, null as a dim marker. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorText({ error, testId }: { error: ApiError | string | null; testId?: string }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert" data-testid={testId}>
      {typeof error === "string" ? error : error.message}
    </p>
  );
}

/** The "load more" control under a cursor-paginated list. */
export function LoadMore<T>({ list, testId, what }: { list: PagedList<T>; testId: string; what: string }) {
  return (
    <div className="catalog-load-more">
      <ErrorText error={list.error} testId={`${testId}-error`} />
      {list.loading && <Loading what={what} />}
      {!list.loading && list.hasMore && (
        <button type="button" className="button catalog-button-secondary" data-testid={testId} onClick={list.loadMore}>
          Load more {what}
        </button>
      )}
    </div>
  );
}

export function ColumnType({ type }: { type: string }) {
  return <code className="catalog-type">{type}</code>;
}

/** Columns as a table: name, catalog type, comment; `testId` names the table, rows carry `data-column`. */
export function ColumnTable({ columns, testId, caption }: { columns: Column[]; testId: string; caption: string }) {
  return (
    <table className="data-table" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col">Comment</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((column, index) => (
          <tr key={column.name} data-column={column.name}>
            <td className="numeric">{index + 1}</td>
            <td>{column.name}</td>
            <td>
              <ColumnType type={column.type} />
            </td>
            <td className="muted">{column.comment}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Section({ title, testId, children, actions }: { title: string; testId: string; children: ReactNode; actions?: ReactNode }) {
  const id = `${testId}-title`;
  return (
    <section className="panel catalog-section" aria-labelledby={id} data-testid={testId}>
      <div className="panel-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      <div className="panel-body">{children}</div>
    </section>
  );
}
