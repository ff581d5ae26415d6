import { describe, expect, it, vi } from "vitest";
import { fakeSocketFactory, ManualScheduler } from "../test/fakes";
import {
  backoffDelay,
  CursorTracker,
  LiveClient,
  liveOptionsFor,
  liveUrl,
  parseServerMessage,
  type LiveClientOptions,
  type LiveEvent,
  type LiveStatus,
} from "./socket";

function pong(id: number, extra: Record<string, unknown> = {}) {
  return { type: "diagnostic.pong", diagnostic: id, seq: 1, id, at: "2026-11-23T10:00:00.123+00:00", ...extra };
}

function runState(seq: number, state = "RUNNING") {
  return { type: "run.state", run: 42, seq, id: 1000 + seq, state, at: "2026-11-23T10:00:00+00:00" };
}

function dashboardClient(overrides: Partial<LiveClientOptions> = {}) {
  const sockets = fakeSocketFactory();
  const scheduler = new ManualScheduler();
  const client = new LiveClient({
    url: "ws://glueweb.test/ws/dashboard/",
    cursorKey: "id",
    ordered: false,
    socketFactory: sockets.factory,
    scheduler,
    ...overrides,
  });
  const events: LiveEvent[] = [];
  const statuses: LiveStatus[] = [];
  client.subscribe((event) => events.push(event));
  client.onState((state) => {
    if (statuses[statuses.length - 1] !== state.status) statuses.push(state.status);
  });
  client.connect();
  return { client, sockets, scheduler, events, statuses };
}

describe("parseServerMessage", () => {
  it("recognises events, resume answers and server errors", () => {
    expect(parseServerMessage(JSON.stringify(pong(57)))).toEqual({ kind: "event", event: pong(57) });
    expect(parseServerMessage('{"type": "resumed", "replayed": 3, "cursor": 57}')).toEqual({
      kind: "resumed",
      replayed: 3,
      cursor: 57,
    });
    expect(parseServerMessage('{"type": "resumed", "replayed": 0, "cursor": null}')).toEqual({
      kind: "resumed",
      replayed: 0,
      cursor: null,
    });
    expect(parseServerMessage('{"type": "error", "message": "bad resume"}')).toEqual({ kind: "error", message: "bad resume" });
  });

  it("rejects frames that are not JSON objects with a type, and events without numeric id and seq", () => {
    expect(parseServerMessage("not json").kind).toBe("invalid");
    expect(parseServerMessage("[1, 2]").kind).toBe("invalid");
    expect(parseServerMessage('{"state": "RUNNING"}').kind).toBe("invalid");
    expect(parseServerMessage('{"type": "run.state", "seq": 1}').kind).toBe("invalid");
    expect(parseServerMessage('{"type": "run.state", "seq": "1", "id": 2}').kind).toBe("invalid");
    expect(parseServerMessage(new ArrayBuffer(4)).kind).toBe("invalid");
  });
});

describe("backoffDelay", () => {
  it("starts at half a second, doubles, and never exceeds five seconds", () => {
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((attempt) => backoffDelay(attempt))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000, 5000,
    ]);
  });
});

describe("CursorTracker", () => {
  it("on an ordered stream accepts only positions beyond the last one", () => {
    const tracker = new CursorTracker(true, 3);
    expect(tracker.accept(3)).toBe(false);
    expect(tracker.accept(4)).toBe(true);
    expect(tracker.accept(4)).toBe(false);
    expect(tracker.accept(2)).toBe(false);
    expect(tracker.cursor).toBe(4);
  });

  it("on the dashboard accepts an older id arriving late, but only once, and keeps the highest as cursor", () => {
    const tracker = new CursorTracker(false);
    expect(tracker.accept(10)).toBe(true);
    expect(tracker.accept(12)).toBe(true);
    expect(tracker.accept(11)).toBe(true);
    expect(tracker.accept(11)).toBe(false);
    expect(tracker.accept(12)).toBe(false);
    expect(tracker.cursor).toBe(12);
  });

  it("forgets the oldest ids past its memory but still treats them as seen", () => {
    const tracker = new CursorTracker(false, null, 4);
    for (const id of [1, 2, 3, 4, 5]) expect(tracker.accept(id)).toBe(true);
    expect(tracker.accept(1)).toBe(false);
    expect(tracker.accept(3)).toBe(false);
    expect(tracker.accept(5)).toBe(false);
    expect(tracker.accept(6)).toBe(true);
  });
});

describe("LiveClient", () => {
  it("sends a resume with a null cursor when it first connects", () => {
    const { sockets, statuses } = dashboardClient();
    expect(sockets.last.url).toBe("ws://glueweb.test/ws/dashboard/");
    expect(statuses).toEqual(["connecting"]);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: "resume", after: null }]);
    expect(statuses).toEqual(["connecting", "open"]);
  });

  it("delivers each event once and drops duplicates it has already seen", () => {
    const { client, sockets, events } = dashboardClient();
    sockets.last.open();
    sockets.last.receive(pong(57));
    sockets.last.receive(pong(58));
    sockets.last.receive(pong(57));
    sockets.last.receive({ type: "resumed", replayed: 0, cursor: 58 });
    sockets.last.receive(pong(58));
    expect(events.map((event) => event.id)).toEqual([57, 58]);
    expect(client.cursor).toBe(58);
  });

  it("reconnects after a lost connection and resumes after the last cursor it saw", () => {
    const { client, sockets, scheduler, events, statuses } = dashboardClient();
    sockets.last.open();
    sockets.last.receive(pong(57));
    sockets.last.receive(pong(60));
    sockets.last.drop();
    expect(statuses).toEqual(["connecting", "open", "reconnecting"]);
    expect(sockets.sockets).toHaveLength(1);

    scheduler.runAll();
    expect(sockets.sockets).toHaveLength(2);
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: "resume", after: 60 }]);
    expect(client.status).toBe("open");

    // The server replays what was missed; anything already delivered is dropped.
    sockets.last.receive(pong(60));
    sockets.last.receive(pong(61));
    sockets.last.receive(pong(59));
    sockets.last.receive(pong(57));
    expect(events.map((event) => event.id)).toEqual([57, 60, 61, 59]);
  });

  it("tracks a run's seq and resumes after it", () => {
    const sockets = fakeSocketFactory();
    const scheduler = new ManualScheduler();
    const client = new LiveClient({
      url: "ws://glueweb.test/ws/runs/42/",
      cursorKey: "seq",
      ordered: true,
      initialCursor: 6,
      socketFactory: sockets.factory,
      scheduler,
    }).connect();
    const states: string[] = [];
    client.subscribe((event) => states.push(`${event.seq}:${String(event.state)}`));
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: "resume", after: 6 }]);
    sockets.last.receive(runState(6, "STARTING"));
    sockets.last.receive(runState(7, "RUNNING"));
    sockets.last.receive(runState(7, "RUNNING"));
    sockets.last.receive(runState(8, "SUCCEEDED"));
    sockets.last.drop();
    scheduler.runAll();
    sockets.last.open();
    expect(sockets.last.sent).toEqual([{ type: "resume", after: 8 }]);
    expect(states).toEqual(["7:RUNNING", "8:SUCCEEDED"]);
  });

  it("waits longer after each failed attempt, up to five seconds, and starts over after a successful open", () => {
    const { sockets, scheduler } = dashboardClient();
    for (let failure = 0; failure < 6; failure += 1) {
      sockets.last.drop();
      scheduler.runAll();
    }
    expect(scheduler.delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);

    sockets.last.open();
    sockets.last.drop();
    expect(scheduler.delays[scheduler.delays.length - 1]).toBe(500);
  });

  it("reports connecting, open, reconnecting and closed to its subscribers", () => {
    const { client, sockets, scheduler, statuses } = dashboardClient();
    sockets.last.open();
    sockets.last.drop();
    scheduler.runAll();
    sockets.last.open();
    client.close();
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "open", "closed"]);
  });

  it("stops for good with a message when a failed handshake turns out to be a refusal", async () => {
    const checkRefusal = vi.fn(async () => "The server refused the live connection: you are not signed in.");
    const { client, sockets, scheduler } = dashboardClient({ checkRefusal });
    sockets.last.drop();
    await vi.waitFor(() => expect(client.status).toBe("closed"));
    expect(client.state.message).toBe("The server refused the live connection: you are not signed in.");
    expect(checkRefusal).toHaveBeenCalledTimes(1);
    expect(scheduler.waiting).toBe(0);
    expect(sockets.sockets).toHaveLength(1);
  });

  it("keeps retrying after a failed handshake while the user is still signed in", async () => {
    const checkRefusal = vi.fn(async () => null);
    const { client, sockets, scheduler } = dashboardClient({ checkRefusal });
    sockets.last.drop();
    await vi.waitFor(() => expect(scheduler.waiting).toBe(1));
    expect(client.status).toBe("reconnecting");
    scheduler.runAll();
    expect(sockets.sockets).toHaveLength(2);
  });

  it("does not ask whether it was refused when an open connection drops", () => {
    const checkRefusal = vi.fn(async () => "refused");
    const { sockets, scheduler } = dashboardClient({ checkRefusal });
    sockets.last.open();
    sockets.last.drop();
    expect(checkRefusal).not.toHaveBeenCalled();
    expect(scheduler.waiting).toBe(1);
  });

  it("closes for good when the server closes with a refusal code", () => {
    const { client, sockets, scheduler } = dashboardClient();
    sockets.last.open();
    sockets.last.drop(4403);
    expect(client.status).toBe("closed");
    expect(client.state.message).toMatch(/may not view live events/);
    expect(scheduler.waiting).toBe(0);
  });

  it("shows the server's error message without dropping the connection", () => {
    const { client, sockets } = dashboardClient();
    sockets.last.open();
    sockets.last.receive({ type: "error", message: "resume: 'after' must be a non-negative integer or null" });
    expect(client.status).toBe("open");
    expect(client.state.message).toBe("resume: 'after' must be a non-negative integer or null");
  });

  it("after close() neither reconnects nor delivers anything", () => {
    const { client, sockets, scheduler, events } = dashboardClient();
    const socket = sockets.last;
    socket.open();
    client.close();
    expect(socket.closedWith).toBe(1000);
    socket.receive(pong(1));
    socket.drop();
    expect(events).toEqual([]);
    expect(scheduler.waiting).toBe(0);
    expect(client.status).toBe("closed");
  });

  it("cancels a pending reconnect when closed while waiting", () => {
    const { client, sockets, scheduler } = dashboardClient();
    sockets.last.drop();
    expect(scheduler.waiting).toBe(1);
    client.close();
    expect(scheduler.waiting).toBe(0);
    scheduler.runAll();
    expect(sockets.sockets).toHaveLength(1);
  });

  it("stops telling a listener once it has unsubscribed", () => {
    const { client, sockets } = dashboardClient();
    const late: number[] = [];
    const unsubscribe = client.subscribe((event) => late.push(event.id));
    sockets.last.open();
    sockets.last.receive(pong(1));
    unsubscribe();
    sockets.last.receive(pong(2));
    expect(late).toEqual([1]);
  });
});

describe("liveUrl", () => {
  it("uses ws: on http pages and wss: on https pages, on the page's own host", () => {
    expect(liveUrl("/ws/dashboard/", { protocol: "http:", host: "localhost:8000" })).toBe("ws://localhost:8000/ws/dashboard/");
    expect(liveUrl("/ws/runs/7/", { protocol: "https:", host: "glue.example.org" })).toBe("wss://glue.example.org/ws/runs/7/");
  });

  it("gives the dashboard the id cursor and a run its seq cursor", () => {
    expect(liveOptionsFor({ kind: "dashboard" })).toMatchObject({ cursorKey: "id", ordered: false });
    expect(liveOptionsFor({ kind: "run", run: 42, after: 7 })).toMatchObject({
      cursorKey: "seq",
      ordered: true,
      initialCursor: 7,
      url: expect.stringMatching(/\/ws\/runs\/42\/$/) as unknown,
    });
  });
});
