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

/** What Tab can reach inside an element, in order. */
function tabbables(root: HTMLElement): HTMLElement[] {
  const selector = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  return [...root.querySelectorAll<HTMLElement>(selector)].filter((element) => !element.hidden);
}

/**
 * A modal dialog: focus starts on Stay (the safe answer), Tab and Shift+Tab
 * cycle inside it, focus that lands outside (a click on the backdrop, a
 * script) is brought back, keys never reach the page behind it (Delete or
 * Ctrl+Z would edit the job being asked about), and when it closes focus
 * returns to where it was.
 */
function LeaveDialog({ blocker, what }: { blocker: HeldBlocker; what: string }) {
  const dialog = useRef<HTMLDivElement>(null);
  const stay = useRef<HTMLButtonElement>(null);
  const held = useRef(blocker);
  held.current = blocker;
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    stay.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      // Window, capture phase: first to see every key, before the page's shortcuts.
      event.stopPropagation();
      if (event.key === "Escape") {
        event.preventDefault();
        held.current.reset();
        return;
      }
      const box = dialog.current;
      if (event.key !== "Tab" || !box) return;
      const inside = tabbables(box);
      const first = inside[0];
      const last = inside[inside.length - 1];
      if (!first || !last) return;
      const at = document.activeElement;
      if (event.shiftKey && (at === first || !box.contains(at))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (at === last || !box.contains(at))) {
        event.preventDefault();
        first.focus();
      }
    };
    const onFocus = (event: FocusEvent) => {
      if (dialog.current && event.target instanceof Node && !dialog.current.contains(event.target)) stay.current?.focus();
    };
    window.addEventListener("keydown", onKey, true);
    document.addEventListener("focusin", onFocus);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      document.removeEventListener("focusin", onFocus);
      // After Stay the user is back where they were; after Leave that element is usually gone.
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <div className="leave-backdrop">
      <div
        ref={dialog}
        className="leave-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="leave-title"
        aria-describedby="leave-text"
        data-testid="leave-dialog"
      >
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
