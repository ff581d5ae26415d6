import { useState } from "react";
import { Link, useParams } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { catalogApi, catalogRoutes, type Database, type Table } from "./api";
import { useApiGet, useDebounced, usePagedList } from "./hooks";
import { ErrorText, formatCount, formatTime, LoadMore, Section } from "./widgets";

function TableList({ database }: { database: string }) {
  const [filter, setFilter] = useState("");
  const prefix = useDebounced(filter.trim().toLowerCase());
  const list = usePagedList<Table>(catalogApi.tables(database), { prefix });
  return (
    <Section
      title="Tables"
      testId="tables"
      actions={
        <input
          type="search"
          aria-label="Filter tables by name"
          placeholder="Filter by name…"
          data-testid="table-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      }
    >
      {!list.loading && !list.error && list.items.length === 0 && (
        <p className="muted" data-testid="tables-empty">
          {prefix ? `No table name starts with “${prefix}”.` : "This database has no tables yet."}
        </p>
      )}
      {list.items.length > 0 && (
        <table className="data-table" data-testid="table-list">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Format</th>
              <th scope="col">Location</th>
              <th scope="col" className="numeric">
                Rows
              </th>
              <th scope="col">Last updated</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((table) => (
              <tr key={table.name} data-table={table.name}>
                <td>
                  <Link to={catalogRoutes.table(database, table.name)}>{table.name}</Link>
                  {table.deprecated && <span className="badge catalog-badge-warn">deprecated</span>}
                </td>
                <td>{table.classification || (table.table_type === "VIEW" ? "view" : "—")}</td>
                <td className="catalog-location" title={table.location}>
                  {table.location || "—"}
                </td>
                <td className="numeric">{formatCount(table.parameters.record_count)}</td>
                <td>{formatTime(table.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} testId="table-list-more" what="tables" />
    </Section>
  );
}

/** /catalog/databases/:database: the database's details and its tables, a page at a time. */
export function DatabasePage() {
  const { database = "" } = useParams();
  const [loaded] = useApiGet<Database>(catalogApi.database(database));
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={database}>
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={catalogRoutes.home()}>Catalog</Link> / {database}
        </nav>
      </PageHeader>
      {loaded.status === "error" && <ErrorText error={loaded.error} testId="database-error" />}
      {loaded.status === "ready" && (
        <>
          <dl className="catalog-facts" data-testid="database-facts">
            <dt>Tables</dt>
            <dd data-testid="database-table-total">{formatCount(loaded.data.table_count)}</dd>
            <dt>Location</dt>
            <dd>{loaded.data.location_uri || "—"}</dd>
            <dt>Description</dt>
            <dd>{loaded.data.description || "—"}</dd>
          </dl>
          <TableList database={loaded.data.name} />
        </>
      )}
    </section>
  );
}
