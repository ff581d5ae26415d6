import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { apiDelete, apiPost, type ApiError } from "../api/client";
import { PageHeader } from "../components/PageHeader";
import { catalogApi, catalogRoutes, type Connection, type ConnectionTest, type ConnectionType } from "./api";
import { ConnectionForm } from "./ConnectionForm";
import { asApiError, useApiGet, useCanEdit } from "./hooks";
import { ErrorText, Loading, Section } from "./widgets";

function ConnectionActions({ connection }: { connection: Connection }) {
  const navigate = useNavigate();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const test = () => {
    setTesting(true);
    setResult(null);
    setError(null);
    apiPost<ConnectionTest>(catalogApi.testConnection(connection.name)).then(
      (answer) => {
        setTesting(false);
        setResult(answer);
      },
      (failure: unknown) => {
        setTesting(false);
        setError(asApiError(failure));
      },
    );
  };

  const remove = () => {
    if (!window.confirm(`Delete the connection "${connection.name}"? Jobs that use it will fail.`)) return;
    apiDelete(catalogApi.connection(connection.name)).then(
      () => navigate(catalogRoutes.connections()),
      (failure: unknown) => setError(asApiError(failure)),
    );
  };

  return (
    <div className="toolbar">
      <button type="button" className="button" data-testid="connection-test" onClick={test} disabled={testing}>
        {testing ? "Testing…" : "Test connection"}
      </button>
      <button type="button" className="button catalog-button-danger" data-testid="connection-delete" onClick={remove}>
        Delete
      </button>
      {result && (
        <span
          className={result.ok ? "catalog-ok" : "inline-error"}
          role="status"
          data-testid="connection-test-result"
          data-ok={result.ok}
        >
          {result.ok ? "Connected: " : "Failed: "}
          {result.message}
        </span>
      )}
      <ErrorText error={error} testId="connection-action-error" />
    </div>
  );
}

/** /catalog/connections/new and /catalog/connections/:name: the form, and for an existing one test and delete. */
export function ConnectionPage() {
  const { name } = useParams();
  const navigate = useNavigate();
  const canEdit = useCanEdit();
  const creating = name === undefined;
  const [types] = useApiGet<{ results: ConnectionType[] }>(catalogApi.connectionTypes());
  const [existing] = useApiGet<Connection>(creating ? null : catalogApi.connection(name));
  // The saved answer replaces the loaded one without reloading, so the form keeps its "Saved." note.
  const [saved, setSaved] = useState<Connection | null>(null);
  const title = creating ? "New connection" : name;

  let body;
  if (types.status === "error") body = <ErrorText error={types.error} />;
  else if (!creating && existing.status === "error") body = <ErrorText error={existing.error} testId="connection-error" />;
  else if (types.status !== "ready" || (!creating && existing.status !== "ready")) body = <Loading what="the connection" />;
  else if (creating && !canEdit) body = <p className="inline-error">Creating a connection needs the editor role.</p>;
  else {
    const connection = saved ?? (existing.status === "ready" ? existing.data : null);
    body = (
      <>
        <Section title={creating ? "Details" : "Settings"} testId="connection-settings">
          <ConnectionForm
            types={types.data.results}
            existing={connection}
            readOnly={!canEdit}
            onSaved={(answer) => (creating ? navigate(catalogRoutes.connection(answer.name)) : setSaved(answer))}
          />
        </Section>
        {connection && canEdit && <ConnectionActions connection={connection} />}
      </>
    );
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={title}>
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={catalogRoutes.home()}>Catalog</Link> / <Link to={catalogRoutes.connections()}>connections</Link> /{" "}
          {title}
        </nav>
      </PageHeader>
      {body}
    </section>
  );
}
