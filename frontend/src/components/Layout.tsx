import { Link, NavLink, Outlet, useLocation } from "react-router";
import { loginUrl } from "../api/client";
import { useSession } from "../session";
import { UserMenu } from "./UserMenu";

export const NAV_ITEMS = [
  { to: "/catalog", label: "Catalog" },
  { to: "/crawlers", label: "Crawlers" },
  { to: "/jobs", label: "Jobs" },
  { to: "/runs", label: "Runs" },
  { to: "/dashboard", label: "Dashboard" },
] as const;

function SignedOutNotice() {
  const location = useLocation();
  return (
    <section className="notice notice-error" role="alert" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">You are not signed in</h1>
      <p>
        Your session has ended or was never started, so glueweb cannot show this page.{" "}
        <a href={loginUrl(location.pathname + location.search)}>Sign in again</a> to continue.
      </p>
    </section>
  );
}

function SessionProblem({ message }: { message: string }) {
  return (
    <div className="banner banner-warning" role="status">
      Could not load your account details: {message}
    </div>
  );
}

export function Layout() {
  const session = useSession();
  const signedOut = session.status === "error" && session.error.isAuthError;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link className="brand" to="/dashboard">
          glueweb
        </Link>
        <nav className="app-nav" aria-label="Main">
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <UserMenu />
      </header>
      {session.status === "error" && !signedOut && <SessionProblem message={session.error.message} />}
      <main id="main" className="app-main" tabIndex={-1}>
        {signedOut ? <SignedOutNotice /> : <Outlet />}
      </main>
    </div>
  );
}
