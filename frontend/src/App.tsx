import { createRoutesFromElements, Navigate, Route, RouterProvider, type DataRouter, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { DashboardPage } from "./pages/Dashboard";
import { CatalogHome } from "./catalog/CatalogHome";
import { ConnectionPage } from "./catalog/ConnectionPage";
import { ConnectionsPage } from "./catalog/ConnectionsPage";
import { DatabasePage } from "./catalog/DatabasePage";
import { TablePage } from "./catalog/TablePage";
import { EditorPage } from "./editor/EditorPage";
import { JobsPage } from "./jobs/JobsPage";
import { CrawlersRoutes } from "./crawlers/CrawlersRoutes";
import { RunRoute } from "./runs/RunPage";
import { RunsPage } from "./runs/RunsPage";
import { NotFoundPage } from "./pages/NotFound";
import { RouteError } from "./components/RouteError";
import { SessionProvider } from "./session";

/**
 * Every route of the app. main.tsx makes a browser router of them, tests a
 * memory router (test/routes.tsx). A data router, not <BrowserRouter>, so that
 * the editor can hold navigation with useBlocker while it has unsaved changes.
 *
 * Two error boundaries: a page that fails shows RouteError inside the layout
 * (the header and its links stay), and a failing layout shows it alone.
 */
export const appRoutes: RouteObject[] = createRoutesFromElements(
  <Route element={<Layout />} errorElement={<RouteError />}>
    <Route errorElement={<RouteError />}>
      <Route index element={<Navigate to="/dashboard" replace />} />
      <Route path="dashboard" element={<DashboardPage />} />
      <Route path="catalog" element={<CatalogHome />} />
      <Route path="catalog/databases/:database" element={<DatabasePage />} />
      <Route path="catalog/databases/:database/tables/:table" element={<TablePage />} />
      <Route path="catalog/connections" element={<ConnectionsPage />} />
      <Route path="catalog/connections/new" element={<ConnectionPage />} />
      <Route path="catalog/connections/:name" element={<ConnectionPage />} />
      <Route path="crawlers/*" element={<CrawlersRoutes />} />
      <Route path="jobs" element={<JobsPage />} />
      <Route path="jobs/new" element={<EditorPage />} />
      <Route path="jobs/:id" element={<EditorPage />} />
      <Route path="runs" element={<RunsPage />} />
      <Route path="runs/:id" element={<RunRoute />} />
      <Route path="*" element={<NotFoundPage />} />
    </Route>
  </Route>,
);

/** The app on a router made from appRoutes (createBrowserRouter, or createMemoryRouter in tests). */
export function App({ router }: { router: DataRouter }) {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
