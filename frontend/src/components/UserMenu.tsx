import { useSession } from "../session";
import { SignOutButton } from "./SignOutButton";

export function UserMenu() {
  const session = useSession();
  return (
    <div className="user-menu" aria-label="Signed-in user">
      {session.status === "ready" && (
        <span className="user-identity">
          <span className="visually-hidden">Signed in as </span>
          <span className="user-name" data-testid="current-user" title={session.me.display_name}>
            {session.me.username}
          </span>
          {session.me.roles.length > 0 && (
            <span className="user-roles" aria-label={`Roles: ${session.me.roles.join(", ")}`}>
              {session.me.roles.map((role) => (
                <span key={role} className="badge">
                  {role}
                </span>
              ))}
            </span>
          )}
        </span>
      )}
      {session.status === "loading" && <span className="user-identity muted">Loading…</span>}
      {session.status === "error" && !session.error.isAuthError && (
        <span className="user-identity muted" title={session.error.message}>
          User unknown
        </span>
      )}
      <SignOutButton />
    </div>
  );
}
