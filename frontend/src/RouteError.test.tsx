import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, data, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RouteError } from "./components/RouteError";
import { jsonResponse } from "./test/fakes";
import { renderApp } from "./test/routes";

// Switches that make a page, or the layout itself, throw while it renders.
const failing = vi.hoisted(() => ({ page: false, layout: false }));

vi.mock("./pages/NotFound", async (original) => {
  const real = await original<typeof import("./pages/NotFound")>();
  return {
    NotFoundPage: () => {
      if (failing.page) throw new Error("cannot read properties of undefined (reading 'rows')");
      return real.NotFoundPage();
    },
  };
});

vi.mock("./components/UserMenu", async (original) => {
  const real = await original<typeof import("./components/UserMenu")>();
  return {
    UserMenu: () => {
      if (failing.layout) throw new Error("the header broke");
      return real.UserMenu();
    },
  };
});

beforeEach(() => {
  failing.page = false;
  failing.layout = false;
  vi.stubGlobal(
    "fetch",
    vi.fn<typeof fetch>(async (input) => {
      if (String(input) === "/api/me") return jsonResponse({ username: "alice", roles: [] });
      if (String(input) === "/api/jobs/") return jsonResponse([]);
      return jsonResponse({ detail: "Not found." }, 404);
    }),
  );
  // React reports a caught render error on the console; the test is about what the user sees.
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a route that fails", () => {
  it("shows a plain error page inside the app, with the details and a way back to the jobs", async () => {
    failing.page = true;
    const app = renderApp("/no/such/page");

    const alert = await screen.findByTestId("route-error");
    expect(within(alert).getByRole("heading", { name: "Something went wrong on this page", level: 1 })).toBeTruthy();
    expect(alert.textContent).toMatch(/Nothing was saved or changed by it/);
    expect(within(alert).getByText("cannot read properties of undefined (reading 'rows')")).toBeTruthy();
    expect(within(alert).getByRole("button", { name: "Reload the page" })).toBeTruthy();
    expect(document.title).toBe("Something went wrong on this page · glueweb");
    // Not React Router's developer page.
    expect(screen.queryByText(/Unexpected Application Error/)).toBeNull();
    // The app's header and its links stay.
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();

    failing.page = false;
    await userEvent.click(within(alert).getByRole("link", { name: "Back to jobs" }));
    expect(app.path()).toBe("/jobs");
    expect(await screen.findByRole("heading", { name: "Jobs", level: 1 })).toBeTruthy();
    expect(screen.queryByTestId("route-error")).toBeNull();
  });

  it("shows the same page alone when the app's layout itself fails", async () => {
    failing.layout = true;
    renderApp("/jobs");
    const alert = await screen.findByTestId("route-error");
    expect(alert.textContent).toMatch(/the header broke/);
    expect(within(alert).getByRole("link", { name: "Back to jobs" }).getAttribute("href")).toBe("/jobs");
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
  });

  it("reloads the page on Reload the page", async () => {
    failing.page = true;
    const reload = vi.fn();
    vi.stubGlobal("location", { ...window.location, reload });
    renderApp("/no/such/page");
    await userEvent.click(await screen.findByRole("button", { name: "Reload the page" }));
    expect(reload).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
  });

  it("names what a failed loader answered", async () => {
    const router = createMemoryRouter(
      [
        {
          path: "/jobs/:id",
          loader: () => {
            throw data("Job 9 does not exist.", { status: 404, statusText: "Not Found" });
          },
          element: <p>job</p>,
          errorElement: <RouteError />,
        },
      ],
      { initialEntries: ["/jobs/9"] },
    );
    render(<RouterProvider router={router} />);
    const alert = await screen.findByTestId("route-error");
    expect(within(alert).getByRole("heading", { name: "Page not found" })).toBeTruthy();
    expect(within(alert).getByText("Job 9 does not exist.")).toBeTruthy();
  });
});
