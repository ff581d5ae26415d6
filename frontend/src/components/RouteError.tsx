/**
 * What a route shows instead of React Router's developer page when it fails:
 * a page that threw while rendering, or a loader or action that failed. It
 * says what happened in plain words, keeps the details for whoever looks into
 * it, and offers a way on: reload, or back to the jobs list.
 */
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { usePageTitle } from "./PageHeader";

interface Explained {
  title: string;
  text: string;
  detail: string | null;
}

function explain(error: unknown): Explained {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === "string" && error.data ? error.data : null;
    if (error.status === 404) return { title: "Page not found", text: "What this page shows does not exist (any more).", detail };
    return { title: "This page could not be loaded", text: `The server answered ${error.status} ${error.statusText}.`.trim(), detail };
  }
  const detail = error instanceof Error ? error.message : error === undefined ? null : String(error);
  return {
    title: "Something went wrong on this page",
    text: "glueweb hit an unexpected error while showing this page. Nothing was saved or changed by it; reloading often helps.",
    detail,
  };
}

export function RouteError() {
  const { title, text, detail } = explain(useRouteError());
  usePageTitle(title);
  return (
    <section className="notice notice-error route-error" role="alert" aria-labelledby="route-error-title" data-testid="route-error">
      <h1 id="route-error-title">{title}</h1>
      <p>{text}</p>
      {detail && (
        <details>
          <summary>Details</summary>
          <pre className="route-error-detail">{detail}</pre>
        </details>
      )}
      <div className="route-error-actions">
        <button type="button" className="button-primary" onClick={() => window.location.reload()}>
          Reload the page
        </button>
        <Link to="/jobs">Back to jobs</Link>
      </div>
    </section>
  );
}
