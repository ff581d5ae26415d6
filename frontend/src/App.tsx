import { Navigate, Route, Routes } from "react-router";
import { Layout } from "./components/Layout";
import { DashboardPage } from "./pages/Dashboard";
import { CatalogPage, CrawlersPage, JobsPage, RunsPage } from "./pages/EmptyPages";
import { NotFoundPage } from "./pages/NotFound";
import { SessionProvider } from "./session";

/** Every route of the app; main.tsx puts it in a BrowserRouter, tests in a MemoryRouter. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/dashboard" replace />} />
        <Route path="dashboard" element={<DashboardPage />} />
        <Route path="catalog" element={<CatalogPage />} />
        <Route path="crawlers" element={<CrawlersPage />} />
        <Route path="jobs" element={<JobsPage />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <SessionProvider>
      <AppRoutes />
    </SessionProvider>
  );
}
