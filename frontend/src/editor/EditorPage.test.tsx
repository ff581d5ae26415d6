import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { stubResizeObserver } from "../test/fakes";
import { renderApp, renderRoutes } from "../test/routes";
import { EditorPage } from "./EditorPage";
import { serveEditor } from "./testServer";

/** Open job 5 and rename it in the Settings tab: an unsaved change. */
async function editJob(path = "/jobs/5") {
  serveEditor();
  const app = renderApp(path);
  await screen.findByRole("heading", { name: "orders", level: 1 });
  await userEvent.click(screen.getByRole("tab", { name: "Settings" }));
  const name = screen.getByLabelText("Job name");
  await userEvent.clear(name);
  await userEvent.type(name, "orders v2");
  expect(screen.getByTitle("unsaved changes")).toBeTruthy();
  return app;
}

function header() {
  return within(screen.getByRole("navigation", { name: "Main" }));
}

beforeEach(stubResizeObserver);

describe("leaving the editor with unsaved changes", () => {
  it("holds a header link in a dialog; Stay keeps the page and its edits", async () => {
    const app = await editJob();
    await userEvent.click(header().getByRole("link", { name: "Catalog" }));

    const dialog = await screen.findByRole("alertdialog", { name: "Leave without saving?" });
    expect(dialog.textContent).toMatch(/This job has unsaved changes\./);
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Stay" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Stay" }));

    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(app.path()).toBe("/jobs/5");
    expect((screen.getByLabelText("Job name") as HTMLInputElement).value).toBe("orders v2");
  });

  it("goes where the link pointed after Leave without saving", async () => {
    const app = await editJob();
    await userEvent.click(header().getByRole("link", { name: "Catalog" }));
    await userEvent.click(await screen.findByRole("button", { name: "Leave without saving" }));

    await waitFor(() => expect(app.path()).toBe("/catalog"));
    expect(screen.getByRole("heading", { name: "Catalog", level: 1 })).toBeTruthy();
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("holds the editor's own Jobs link too, and Escape means Stay", async () => {
    serveEditor();
    // The editor alone on its route: the guard needs no more of the app than a data router.
    const app = renderRoutes("/jobs/5", { "/jobs/:id": <EditorPage /> });
    await screen.findByRole("heading", { name: "orders", level: 1 });
    await userEvent.click(screen.getByRole("tab", { name: "Settings" }));
    await userEvent.type(screen.getByLabelText("Job name"), "!");

    await userEvent.click(screen.getByRole("link", { name: "← Jobs" }));
    expect(await screen.findByRole("alertdialog")).toBeTruthy();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(app.path()).toBe("/jobs/5");

    await userEvent.click(screen.getByRole("link", { name: "← Jobs" }));
    await userEvent.click(await screen.findByRole("button", { name: "Leave without saving" }));
    expect(await screen.findByTestId("elsewhere")).toBeTruthy();
    expect(app.path()).toBe("/jobs");
  });

  it("holds the browser's back button", async () => {
    serveEditor();
    const app = renderApp("/jobs");
    await act(() => app.router.navigate("/jobs/5"));
    await screen.findByRole("heading", { name: "orders", level: 1 });
    await userEvent.click(screen.getByRole("tab", { name: "Settings" }));
    await userEvent.type(screen.getByLabelText("Job name"), "!");

    await act(() => app.router.navigate(-1));
    expect(await screen.findByRole("alertdialog")).toBeTruthy();
    expect(app.path()).toBe("/jobs/5");
    await userEvent.click(screen.getByRole("button", { name: "Leave without saving" }));
    await waitFor(() => expect(app.path()).toBe("/jobs"));
  });

  it("asks the browser to confirm closing or reloading the tab only while there are unsaved changes", async () => {
    await editJob();
    const unsaved = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(unsaved);
    expect(unsaved.defaultPrevented).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/Saved version 2/);
    const clean = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
  });

  it("lets every link through once the changes are saved", async () => {
    const app = await editJob();
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText(/Saved version 2/);
    expect(screen.queryByTitle("unsaved changes")).toBeNull();

    await userEvent.click(header().getByRole("link", { name: "Catalog" }));
    await waitFor(() => expect(app.path()).toBe("/catalog"));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("does not ask when nothing was changed", async () => {
    serveEditor();
    const app = renderApp("/jobs/5");
    await screen.findByRole("heading", { name: "orders", level: 1 });
    await userEvent.click(header().getByRole("link", { name: "Runs" }));
    await waitFor(() => expect(app.path()).toBe("/runs"));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });
});
