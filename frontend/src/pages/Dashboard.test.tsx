import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { LiveProvider } from "../live/LiveContext";
import type { LiveTarget } from "../live/socket";
import { FakeChannel, jsonResponse } from "../test/fakes";
import { DashboardPage, latencyMs } from "./Dashboard";

const SENT_AT = "2026-11-23T10:00:00.100+00:00";
const SENT_MS = Date.parse(SENT_AT);

function renderDashboard() {
  const channel = new FakeChannel();
  const targets: LiveTarget[] = [];
  const open = (target: LiveTarget) => {
    targets.push(target);
    return channel;
  };
  const view = render(
    <MemoryRouter>
      <LiveProvider open={open}>
        <DashboardPage />
      </LiveProvider>
    </MemoryRouter>,
  );
  return { channel, targets, view };
}

function pongFor(ping: number, id: number, worker = "worker@host") {
  return { type: "diagnostic.pong", id, seq: 1, diagnostic: ping, worker, requested_by: "alice", sent_at: SENT_AT };
}

function answerPing(response: () => Promise<Response>) {
  const fetchMock = vi.fn<typeof fetch>(response);
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

describe("the dashboard's live channel panel", () => {
  it("shows how long the test event took once the matching pong arrives", async () => {
    document.cookie = "csrftoken=tok";
    const fetchMock = answerPing(async () => jsonResponse({ ping: 123, sent_at: SENT_AT }, 202));
    const { channel, targets } = renderDashboard();
    expect(targets).toEqual([{ kind: "dashboard" }]);

    await userEvent.click(screen.getByTestId("live-ping"));
    expect(fetchMock).toHaveBeenCalledWith("/api/diagnostics/ping/", expect.objectContaining({ method: "POST" }));
    await screen.findByText(/Test event 123 sent; waiting/);
    expect(screen.queryByTestId("live-result")).toBeNull();

    vi.spyOn(Date, "now").mockReturnValue(SENT_MS + 23);
    act(() => channel.emit(pongFor(999, 56, "other@host")));
    expect(screen.queryByTestId("live-result")).toBeNull();
    act(() => channel.emit(pongFor(123, 57)));

    expect(screen.getByTestId("live-result").textContent).toBe("Event from worker@host arrived 23 ms after sending");
    const rows = within(screen.getByTestId("live-pongs")).getAllByRole("row");
    expect(rows).toHaveLength(3); // header + two pongs, newest first
    expect(rows[1]?.textContent).toContain("worker@host");
    expect(rows[1]?.textContent).toContain("23 ms");
  });

  it("matches a pong that arrives before the POST has answered", async () => {
    let answer: (response: Response) => void = () => undefined;
    answerPing(() => new Promise<Response>((resolve) => (answer = resolve)));
    const { channel } = renderDashboard();

    await userEvent.click(screen.getByTestId("live-ping"));
    expect((screen.getByTestId("live-ping") as HTMLButtonElement).disabled).toBe(true);
    vi.spyOn(Date, "now").mockReturnValue(SENT_MS + 41);
    act(() => channel.emit(pongFor(7, 70)));
    expect(screen.queryByTestId("live-result")).toBeNull();

    await act(async () => answer(jsonResponse({ ping: 7, sent_at: SENT_AT }, 202)));
    expect(screen.getByTestId("live-result").textContent).toBe("Event from worker@host arrived 41 ms after sending");
  });

  it("shows the server's message when the test event cannot be sent", async () => {
    answerPing(async () => jsonResponse({ detail: "You do not have permission to perform this action." }, 403));
    renderDashboard();
    await userEvent.click(screen.getByTestId("live-ping"));
    expect((await screen.findByTestId("live-error")).textContent).toBe("You do not have permission to perform this action.");
    expect(screen.queryByTestId("live-result")).toBeNull();
  });

  it("follows the connection status in text and in data-status", () => {
    const { channel } = renderDashboard();
    const status = screen.getByTestId("live-status");
    expect(status.textContent).toBe("connecting");
    expect(status.getAttribute("data-status")).toBe("connecting");
    for (const next of ["open", "reconnecting", "closed"] as const) {
      act(() => channel.setState({ status: next }));
      expect(status.textContent).toBe(next);
      expect(status.getAttribute("data-status")).toBe(next);
    }
  });

  it("explains why the channel closed", () => {
    const { channel } = renderDashboard();
    act(() => channel.setState({ status: "closed", message: "The server refused the live connection: you are not signed in." }));
    const message = screen.getByText(/The server refused the live connection: you are not signed in\./);
    expect(within(message).getByRole("link", { name: "Sign in again" }).getAttribute("href")).toBe(
      "/accounts/login/?next=%2F",
    );
  });

  it("lists only the last ten pongs, newest first, and ignores other events", () => {
    const { channel } = renderDashboard();
    act(() => {
      for (let i = 1; i <= 12; i += 1) channel.emit(pongFor(i, 100 + i));
      channel.emit({ type: "run.state", id: 200, run: 4, state: "RUNNING" });
    });
    const rows = within(screen.getByTestId("live-pongs")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(10);
    expect(rows[0]?.querySelector("td")?.textContent).toBe("12");
    expect(rows[9]?.querySelector("td")?.textContent).toBe("3");
  });

  it("closes its live channel when the page goes away", () => {
    const { channel, view } = renderDashboard();
    view.unmount();
    expect(channel.closed).toBe(true);
  });
});

describe("latencyMs", () => {
  it("is the browser's receipt time minus the ISO send time, or null without one", () => {
    expect(latencyMs(SENT_MS + 23, SENT_AT)).toBe(23);
    expect(latencyMs(SENT_MS, null)).toBeNull();
    expect(latencyMs(SENT_MS, "yesterday-ish")).toBeNull();
  });
});
