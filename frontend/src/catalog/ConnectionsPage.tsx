import { Link } from "react-router";
import { EmptyState } from "../components/EmptyState";
import { PageHeader } from "../components/PageHeader";
import { catalogApi, catalogRoutes, type Connection } from "./api";
import { useCanEdit, usePagedList } from "./hooks";
import { formatTime, LoadMore, Section } from "./widgets";

/** /catalog/connections: every connection, a page at a time; editors may add one. */
export function ConnectionsPage() {
  const canEdit = useCanEdit();
  const list = usePagedList<Connection>(catalogApi.connections(), {});
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title="Connections">
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={catalogRoutes.home()}>Catalog</Link> / connections
        </nav>
        {canEdit && (
          <Link className="button" to={catalogRoutes.newConnection()} data-testid="connection-new">
            New connection
          </Link>
        )}
      </PageHeader>
      <Section title="Connections" testId="connections">
        {!list.loading && !list.error && list.items.length === 0 && (
          <EmptyState>No connections yet. Jobs reach databases and buckets through connections.</EmptyState>
        )}
        {list.items.length > 0 && (
          <table className="data-table" data-testid="connection-list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Secrets set</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((connection) => (
                <tr key={connection.name} data-connection={connection.name}>
                  <td>
                    <Link to={catalogRoutes.connection(connection.name)}>{connection.name}</Link>
                  </td>
                  <td>{connection.connection_type}</td>
                  <td className="muted">{connection.description}</td>
                  <td>{connection.secrets_set.join(", ") || "—"}</td>
                  <td>{formatTime(connection.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore list={list} testId="connection-list-more" what="connections" />
      </Section>
    </section>
  );
}
