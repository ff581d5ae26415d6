import { vi } from "vitest";
import type { LiveChannel, LiveEvent, LiveState, Scheduler, SocketLike } from "../live/socket";

/** A WebSocket stand-in: the test drives open/message/close and reads what was sent. */
export class FakeSocket implements SocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: unknown[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
  }

  // --- driven by the test ---
  open(): void {
    this.onopen?.({ type: "open" } as Event);
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) } as MessageEvent);
  }

  drop(code = 1006): void {
    this.onerror?.({ type: "error" } as Event);
    this.onclose?.({ code, reason: "", wasClean: false } as CloseEvent);
  }
}

export function fakeSocketFactory() {
  const sockets: FakeSocket[] = [];
  const factory = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket;
  };
  return {
    factory,
    sockets,
    get last(): FakeSocket {
      const socket = sockets[sockets.length - 1];
      if (!socket) throw new Error("no socket was opened");
      return socket;
    },
  };
}

/** Timers that only run when the test says so; remembers every delay asked for. */
export class ManualScheduler implements Scheduler {
  readonly delays: number[] = [];
  private pending = new Map<number, () => void>();
  private nextHandle = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.delays.push(ms);
    this.pending.set(handle, callback);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Run every timer due now (all of them: delays are recorded, not waited for). */
  runAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const callback of due) callback();
  }
}

/** A live channel the test feeds by hand. */
export class FakeChannel implements LiveChannel {
  private readonly eventListeners = new Set<(event: LiveEvent) => void>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  state: LiveState = { status: "connecting", message: null, cursor: null };
  closed = false;

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
  }

  emit(event: Partial<LiveEvent> & { type: string; id: number }): void {
    const full: LiveEvent = { seq: 1, at: new Date().toISOString(), ...event };
    for (const listener of [...this.eventListeners]) listener(full);
  }

  setState(state: Partial<LiveState>): void {
    this.state = { ...this.state, ...state };
    for (const listener of [...this.stateListeners]) listener(this.state);
  }
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/** React Flow measures its container; jsdom has no layout: call in beforeEach. */
export function stubResizeObserver(): void {
  vi.stubGlobal(
    "ResizeObserver",
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
}
