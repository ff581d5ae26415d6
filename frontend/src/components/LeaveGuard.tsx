/**
 * A guard against leaving a page with unsaved changes: in-app navigation
 * (links, back and forward) is held by the router and an in-app dialog asks
 * Stay / Leave without saving; closing or reloading the tab gets the browser's
 * own prompt (beforeunload), the only one a browser allows there.
 */
import { useCallback, useEffect, useRef, type ReactNode } from "react";
import { useBlocker, type Blocker, type BlockerFunction } from "react-router";
import "./LeaveGuard.css";

export interface LeaveGuard {
  /** The dialog while a navigation is held, else null: render it somewhere on the page. */
  dialog: ReactNode;
  /** Let the next navigation through unasked (the page's own, e.g. to a just-saved job's address). */
  allowNextNavigation: () => void;
}

/** Guard while `dirty`; `what` names what would be lost ("This job has unsaved changes."). */
export function useLeaveGuard(dirty: boolean, what: string): LeaveGuard {
  // The router asks the blocker function at navigation time, before React has
  // rendered a just-saved state: read the latest values from refs.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const allowOnce = useRef(false);

  const shouldBlock = useCallback<BlockerFunction>(({ currentLocation, nextLocation }) => {
    if (allowOnce.current) {
      allowOnce.current = false;
      return false;
    }
    const moving = currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search;
    return dirtyRef.current && moving;
  }, []);
  const blocker = useBlocker(shouldBlock);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const allowNextNavigation = useCallback(() => {
    allowOnce.current = true;
  }, []);

  return { dialog: blocker.state === "blocked" ? <LeaveDialog blocker={blocker} what={what} /> : null, allowNextNavigation };
}

type HeldBlocker = Extract<Blocker, { state: "blocked" }>;

function LeaveDialog({ blocker, what }: { blocker: HeldBlocker; what: string }) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    stay.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") blocker.reset();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [blocker]);
  return (
    <div className="leave-backdrop">
      <div className="leave-dialog" role="alertdialog" aria-modal="true" aria-labelledby="leave-title" aria-describedby="leave-text" data-testid="leave-dialog">
        <h2 id="leave-title">Leave without saving?</h2>
        <p id="leave-text">{what} They are lost if you leave now.</p>
        <div className="leave-actions">
          <button type="button" ref={stay} onClick={() => blocker.reset()}>
            Stay
          </button>
          <button type="button" className="leave-confirm" onClick={() => blocker.proceed()}>
            Leave without saving
          </button>
        </div>
      </div>
    </div>
  );
}
