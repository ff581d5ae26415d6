import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { jsonResponse } from "./test/fakes";
import { renderApp } from "./test/routes";

function serveMe(response: () => Response) {
  const fetchMock = vi.fn<typeof fetch>(async (input) => {
    if (String(input) === "/api/me") return response();
    return jsonResponse({ detail: "Not found." }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

describe("the app shell", () => {
  it("shows the product name, the main navigation and the signed-in user with their roles", async () => {
    const fetchMock = serveMe(() => jsonResponse({ username: "alice", roles: ["editor", "operator"] }));
    renderApp("/catalog");

    expect(screen.getByRole("banner")).toHaveProperty("textContent", expect.stringContaining("glueweb"));
    const nav = screen.getByRole("navigation", { name: "Main" });
    const links = within(nav).getAllByRole("link");
    expect(links.map((link) => [link.textContent, link.getAttribute("href")])).toEqual([
      ["Catalog", "/catalog"],
      ["Crawlers", "/crawlers"],
      ["Jobs", "/jobs"],
      ["Runs", "/runs"],
      ["Dashboard", "/dashboard"],
    ]);
    expect(within(nav).getByRole("link", { name: "Catalog" }).getAttribute("aria-current")).toBe("page");

    expect((await screen.findByTestId("current-user")).textContent).toBe("alice");
    expect(screen.getByLabelText("Roles: editor, operator").textContent).toBe("editoroperator");
    expect(fetchMock).toHaveBeenCalledWith("/api/me", expect.objectContaining({ credentials: "same-origin" }));
  });

  it("signs out by posting the CSRF token to Django's logout view", async () => {
    document.cookie = "csrftoken=tok123";
    serveMe(() => jsonResponse({ username: "alice", roles: [] }));
    renderApp("/jobs");

    const button = screen.getByTestId("sign-out");
    expect(button.tagName).toBe("BUTTON");
    expect(button.textContent).toBe("Sign out");
    const form = button.closest("form");
    expect(form?.getAttribute("method")).toBe("post");
    expect(form?.getAttribute("action")).toBe("/accounts/logout/");
    const token = form?.querySelector<HTMLInputElement>('input[name="csrfmiddlewaretoken"]');
    expect(token?.type).toBe("hidden");
    expect(token?.value).toBe("tok123");
  });

  it("tells a signed-out visitor to sign in again, linking to the login page", async () => {
    serveMe(() => jsonResponse({ detail: "Authentication credentials were not provided." }, 403));
    renderApp("/runs?state=FAILED");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/You are not signed in/);
    const link = within(alert).getByRole("link", { name: "Sign in again" });
    expect(link.getAttribute("href")).toBe("/accounts/login/?next=%2Fruns%3Fstate%3DFAILED");
    expect(screen.queryByRole("heading", { name: "Runs" })).toBeNull();
  });

  it("keeps working but says so when the account details cannot be loaded", async () => {
    serveMe(() => jsonResponse({ detail: "Database unavailable." }, 503));
    renderApp("/crawlers");
    expect((await screen.findByRole("status")).textContent).toMatch(/Database unavailable\./);
    expect(screen.getByRole("heading", { name: "Crawlers", level: 1 })).toBeTruthy();
  });

  it("redirects / to the dashboard", async () => {
    serveMe(() => jsonResponse({ username: "alice", roles: [] }));
    const { channels } = renderApp("/");
    expect(await screen.findByRole("heading", { name: "Dashboard", level: 1 })).toBeTruthy();
    expect(channels).toHaveLength(1);
  });

  it("shows a not-found page for an unknown address", () => {
    serveMe(() => jsonResponse({ username: "alice", roles: [] }));
    renderApp("/no/such/page");
    expect(screen.getByRole("heading", { name: "Page not found" })).toBeTruthy();
    expect(screen.getByText("/no/such/page")).toBeTruthy();
  });

  it.each([
    ["/catalog", "Catalog", /Databases and tables/],
  ])("shows an empty state at %s", (path, heading, sentence) => {
    serveMe(() => jsonResponse({ username: "alice", roles: [] }));
    renderApp(path);
    expect(screen.getByRole("heading", { name: heading, level: 1 })).toBeTruthy();
    expect(screen.getByText(sentence)).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("moves between pages with the navigation links", async () => {
    serveMe(() => jsonResponse({ username: "alice", roles: [] }));
    renderApp("/catalog");
    await userEvent.click(screen.getByRole("link", { name: "Jobs" }));
    expect(screen.getByRole("heading", { name: "Jobs", level: 1 })).toBeTruthy();
    expect(document.title).toBe("Jobs · glueweb");
  });
});
