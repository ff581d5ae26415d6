import { Link, useLocation } from "react-router";
import { PageHeader } from "../components/PageHeader";

export function NotFoundPage() {
  const location = useLocation();
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title="Page not found" />
      <p>
        There is no page at <code>{location.pathname}</code>. <Link to="/dashboard">Go to the dashboard</Link>.
      </p>
    </section>
  );
}
