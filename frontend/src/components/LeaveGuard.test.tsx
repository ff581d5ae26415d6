import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { describe, expect, it } from "vitest";
import { renderRoutes } from "../test/routes";
import { useLeaveGuard } from "./LeaveGuard";

/** A page with unsaved changes: a field, a link out, and a shortcut (Delete clears the field) the dialog must hold back. */
function DirtyPage() {
  const [text, setText] = useState("draft");
  const guard = useLeaveGuard(true, "This page has unsaved changes.");
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Delete") setText("");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div>
      {guard.dialog}
      <input aria-label="Draft" value={text} onChange={(event) => setText(event.target.value)} />
      <Link to="/elsewhere">Go elsewhere</Link>
      <button type="button">Behind the dialog</button>
    </div>
  );
}

async function openDialog() {
  const app = renderRoutes("/page", { "/page": <DirtyPage /> });
  await userEvent.click(screen.getByRole("link", { name: "Go elsewhere" }));
  const dialog = await screen.findByRole("alertdialog", { name: "Leave without saving?" });
  return { app, dialog };
}

describe("the unsaved-changes dialog", () => {
  it("is a labelled, described modal dialog that starts on Stay", async () => {
    const { dialog } = await openDialog();
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.getAttribute("aria-labelledby")).toBe("leave-title");
    expect(document.getElementById("leave-title")?.textContent).toBe("Leave without saving?");
    expect(document.getElementById(dialog.getAttribute("aria-describedby") ?? "")?.textContent).toMatch(/This page has unsaved changes\./);
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Stay" }));
  });

  it("keeps Tab and Shift+Tab inside the dialog", async () => {
    const { dialog } = await openDialog();
    const stay = within(dialog).getByRole("button", { name: "Stay" });
    const leave = within(dialog).getByRole("button", { name: "Leave without saving" });

    await userEvent.tab();
    expect(document.activeElement).toBe(leave);
    await userEvent.tab();
    expect(document.activeElement).toBe(stay);
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(leave);
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(stay);
    for (let i = 0; i < 5; i++) {
      await userEvent.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
  });

  it("brings focus that lands behind it back into the dialog", async () => {
    const { dialog } = await openDialog();
    screen.getByRole("button", { name: "Behind the dialog", hidden: true }).focus();
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Stay" }));
  });

  it("holds the page's own keyboard shortcuts back while it is open", async () => {
    await openDialog();
    await userEvent.keyboard("{Delete}");
    await userEvent.click(screen.getByRole("button", { name: "Stay" }));
    expect((screen.getByLabelText("Draft") as HTMLInputElement).value).toBe("draft");
  });

  it("gives focus back to what had it when the user stays", async () => {
    const { app } = await openDialog();
    const link = screen.getByRole("link", { name: "Go elsewhere" });
    await userEvent.keyboard("{Enter}"); // Enter on Stay
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(app.path()).toBe("/page");
    expect(document.activeElement).toBe(link);

    // And by Escape as well.
    await userEvent.keyboard("{Enter}"); // the link again
    expect(await screen.findByRole("alertdialog")).toBeTruthy();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(document.activeElement).toBe(link);
  });
});
