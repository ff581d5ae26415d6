import { useRef } from "react";
import { csrfToken } from "../api/client";

export const LOGOUT_URL = "/accounts/logout/";

/**
 * Django's LogoutView only accepts a POST carrying the CSRF token; a real form
 * submission lets Django answer with its redirect to the sign-in page.
 */
export function SignOutButton() {
  const tokenInput = useRef<HTMLInputElement>(null);
  return (
    <form
      method="post"
      action={LOGOUT_URL}
      className="sign-out"
      onSubmit={() => {
        // Read the cookie at the last moment: Django rotates it when a user signs in.
        if (tokenInput.current) tokenInput.current.value = csrfToken() ?? "";
      }}
    >
      <input ref={tokenInput} type="hidden" name="csrfmiddlewaretoken" defaultValue={csrfToken() ?? ""} />
      <button type="submit" className="button button-quiet" data-testid="sign-out">
        Sign out
      </button>
    </form>
  );
}
