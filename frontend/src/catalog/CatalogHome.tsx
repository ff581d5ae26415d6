import { useState } from "react";
import { Link } from "react-router";
import { EmptyState } from "../components/EmptyState";
import { PageHeader } from "../components/PageHeader";
import { catalogApi, catalogRoutes, type Database } from "./api";
import { usePagedList } from "./hooks";
import { SearchPanel } from "./SearchPanel";
import { formatCount, LoadMore, Section } from "./widgets";

function DatabaseList() {
  const list = usePagedList<Database>(catalogApi.databases(), {});
  if (!list.loading && !list.error && list.items.length === 0) {
    return (
      <EmptyState>
        No databases yet. Run a crawler or create one through the API (<code>POST /api/catalog/databases/</code>).
      </EmptyState>
    );
  }
  return (
    <>
      {list.items.length > 0 && (
        <table className="data-table" data-testid="database-list">
          <thead>
            <tr>
              <th scope="col">Database</th>
              <th scope="col">Description</th>
              <th scope="col" className="numeric">
                Tables
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((database) => (
              <tr key={database.name} data-database={database.name}>
                <td>
                  <Link to={catalogRoutes.database(database.name)}>{database.name}</Link>
                </td>
                <td className="muted">{database.description}</td>
                <td className="numeric" data-testid="database-table-count">
                  {formatCount(database.table_count)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={list} testId="database-list-more" what="databases" />
    </>
  );
}

/** /catalog: every database with its table count, and a search across all tables. */
export function CatalogHome() {
  const [query, setQuery] = useState("");
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title="Catalog">
        <Link className="button catalog-button-secondary" to={catalogRoutes.connections()} data-testid="connections-link">
          Connections
        </Link>
      </PageHeader>
      <p className="muted catalog-intro">
        Databases and tables, with their schemas and locations, as crawlers found them or you defined them.
      </p>
      <SearchPanel query={query} onQuery={setQuery} />
      {query.trim() === "" && (
        <Section title="Databases" testId="databases">
          <DatabaseList />
        </Section>
      )}
    </section>
  );
}
