/**
 * The client side of glueweb's live event protocol (docs/live-events.md).
 *
 * A LiveClient holds one WebSocket to /ws/dashboard/ or /ws/runs/<id>/. On
 * every open it sends {"type": "resume", "after": <cursor or null>}; the server
 * then replays the stored events after that cursor before live ones. The
 * client delivers each event once to its subscribers, keeps the cursor (the
 * event `id` on the dashboard, the run's `seq` on a run), and after a lost
 * connection reconnects with backoff and resumes from its cursor, so nothing
 * is lost or repeated.
 *
 * Everything that is not the socket itself (message parsing, the cursor and
 * duplicate check, the backoff schedule) is plain code, and the socket comes
 * from an injectable factory, so all of it is testable without a server.
 */

export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

export const LIVE_STATUSES: readonly LiveStatus[] = ["connecting", "open", "reconnecting", "closed"];

/** One stored event as the server sends it. Extra keys depend on the type. */
export interface LiveEvent {
  type: string;
  id: number;
  seq: number;
  at: string;
  [key: string]: unknown;
}

export type CursorKey = "id" | "seq";

export type ServerMessage =
  | { kind: "event"; event: LiveEvent }
  | { kind: "resumed"; replayed: number; cursor: number | null }
  | { kind: "error"; message: string }
  | { kind: "pong" }
  | { kind: "invalid"; reason: string };

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Decode one frame from the server; never throws. */
export function parseServerMessage(data: unknown): ServerMessage {
  if (typeof data !== "string") return { kind: "invalid", reason: "not a text frame" };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { kind: "invalid", reason: "not a JSON object" };
  }
  const message = value as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== "string" || !type) return { kind: "invalid", reason: "no type" };
  switch (type) {
    case "resumed":
      return {
        kind: "resumed",
        replayed: isCount(message.replayed) ? message.replayed : 0,
        cursor: isCount(message.cursor) ? message.cursor : null,
      };
    case "error":
      return { kind: "error", message: typeof message.message === "string" ? message.message : "The server reported an error." };
    case "pong":
      return { kind: "pong" };
    default:
      if (!isCount(message.id) || !isCount(message.seq)) {
        return { kind: "invalid", reason: `event ${type} has no numeric id and seq` };
      }
      return { kind: "event", event: message as LiveEvent };
  }
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 5000;

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling to at most 5 s. */
export function backoffDelay(attempt: number, base: number = BACKOFF_BASE_MS, max: number = BACKOFF_MAX_MS): number {
  const exponent = Math.max(0, Math.min(attempt, 30));
  return Math.min(max, base * 2 ** exponent);
}

/**
 * Which events were already delivered, and the cursor to resume after.
 *
 * Ordered streams (one run: `seq` comes from a single writer) only need the
 * highest position. The dashboard mixes many writers and an older id may be
 * committed after a newer one, so there every delivered id is remembered (the
 * oldest forgotten past `memory`, everything at or below them counting as seen).
 */
export class CursorTracker {
  private last: number | null;
  private readonly seen = new Set<number>();
  private floor: number | null;

  constructor(
    readonly ordered: boolean,
    initial: number | null = null,
    private readonly memory: number = 5000,
  ) {
    this.last = initial;
    this.floor = ordered ? null : initial;
  }

  get cursor(): number | null {
    return this.last;
  }

  /** True if the position is new (and records it); false for a duplicate. */
  accept(position: number): boolean {
    if (this.ordered) {
      if (this.last !== null && position <= this.last) return false;
      this.last = position;
      return true;
    }
    if (this.seen.has(position) || (this.floor !== null && position <= this.floor)) return false;
    this.seen.add(position);
    this.last = this.last === null ? position : Math.max(this.last, position);
    if (this.seen.size > this.memory) {
      const sorted = [...this.seen].sort((a, b) => a - b);
      const forget = sorted.slice(0, sorted.length - Math.floor(this.memory / 2));
      for (const id of forget) this.seen.delete(id);
      const highestForgotten = forget[forget.length - 1];
      if (highestForgotten !== undefined) this.floor = Math.max(this.floor ?? highestForgotten, highestForgotten);
    }
    return true;
  }
}

/** The part of the browser's WebSocket the client uses (a fake implements it in tests). */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserScheduler: Scheduler = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface LiveState {
  status: LiveStatus;
  /** Why the channel is closed, or the server's last error; null when all is well. */
  message: string | null;
  cursor: number | null;
}

/** The face of a live channel that pages use; LiveClient is one, tests use fakes. */
export interface LiveChannel {
  /** Receive every new event; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /** Receive the current state now and every change after; returns the unsubscribe function. */
  onState(listener: (state: LiveState) => void): () => void;
  close(): void;
}

/** Close codes with which the server refuses a watcher for good (jobs/consumers.py). */
export const REFUSAL_CODES: Readonly<Record<number, string>> = {
  4401: "The server refused the live connection: you are not signed in.",
  4403: "The server refused the live connection: your account may not view live events.",
};

export interface LiveClientOptions {
  /** Full ws:// or wss:// URL. */
  url: string;
  cursorKey: CursorKey;
  /** True when positions only grow (a run's seq); false for the dashboard's ids. */
  ordered: boolean;
  /** Resume after this cursor on the first connection (e.g. the last seq already on the page). */
  initialCursor?: number | null;
  socketFactory?: SocketFactory;
  scheduler?: Scheduler;
  /**
   * Asked after a connection fails before it opened (a browser cannot tell a
   * refused handshake from an unreachable server). A string means the refusal
   * is final and becomes the closed message; null means try again.
   */
  checkRefusal?: () => Promise<string | null>;
}

const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url);

export class LiveClient implements LiveChannel {
  private readonly options: LiveClientOptions;
  private readonly factory: SocketFactory;
  private readonly scheduler: Scheduler;
  private readonly tracker: CursorTracker;
  private readonly eventListeners = new Set<(event: LiveEvent) => void>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private socket: SocketLike | null = null;
  /** The current socket has opened (a close before that is a failed handshake). */
  private opened = false;
  private everOpened = false;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private started = false;
  private current: LiveState;

  constructor(options: LiveClientOptions) {
    this.options = options;
    this.factory = options.socketFactory ?? defaultSocketFactory;
    this.scheduler = options.scheduler ?? browserScheduler;
    this.tracker = new CursorTracker(options.ordered, options.initialCursor ?? null);
    this.current = { status: "connecting", message: null, cursor: this.tracker.cursor };
  }

  get state(): LiveState {
    return this.current;
  }

  get status(): LiveStatus {
    return this.current.status;
  }

  get cursor(): number | null {
    return this.tracker.cursor;
  }

  /** The delay before the next reconnect attempt (for display and tests). */
  get nextDelay(): number {
    return backoffDelay(this.attempt);
  }

  /** Open the connection (once; later calls do nothing). */
  connect(): this {
    if (this.started || this.stopped) return this;
    this.started = true;
    this.open();
    return this;
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.current);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.detach(socket);
      try {
        socket.close(1000, "client closed");
      } catch {
        // already closing
      }
    }
    this.setState("closed", null);
  }

  private open(): void {
    this.timer = null;
    if (this.stopped) return;
    this.opened = false;
    this.setState(this.attempt === 0 && !this.everOpened ? "connecting" : "reconnecting", null);
    let socket: SocketLike;
    try {
      socket = this.factory(this.options.url);
    } catch (error) {
      this.setState("closed", `Could not open the live connection: ${error instanceof Error ? error.message : String(error)}`);
      this.stopped = true;
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.opened = true;
      this.everOpened = true;
      this.attempt = 0;
      socket.send(JSON.stringify({ type: "resume", after: this.tracker.cursor }));
      this.setState("open", null);
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.handle(parseServerMessage(event.data));
    };
    socket.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.detach(socket);
      this.socket = null;
      this.lost(event.code, this.opened);
    };
  }

  private handle(message: ServerMessage): void {
    switch (message.kind) {
      case "event": {
        const position = message.event[this.options.cursorKey];
        if (!this.tracker.accept(position)) return;
        for (const listener of [...this.eventListeners]) listener(message.event);
        if (this.tracker.cursor !== this.current.cursor) this.setState(this.current.status, this.current.message);
        return;
      }
      case "error":
        this.setState(this.current.status, message.message);
        return;
      case "resumed":
      case "pong":
      case "invalid":
        return;
    }
  }

  private lost(code: number, wasOpen: boolean): void {
    if (this.stopped) return;
    const refusal = REFUSAL_CODES[code];
    if (refusal) {
      this.stopped = true;
      this.setState("closed", refusal);
      return;
    }
    this.setState("reconnecting", null);
    if (!wasOpen && this.options.checkRefusal) {
      const check = this.options.checkRefusal;
      check().then(
        (reason) => {
          if (this.stopped) return;
          if (reason) {
            this.stopped = true;
            this.setState("closed", reason);
          } else {
            this.scheduleReconnect();
          }
        },
        () => {
          if (!this.stopped) this.scheduleReconnect();
        },
      );
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer !== null) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = this.scheduler.setTimeout(() => this.open(), delay);
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
  }

  private setState(status: LiveStatus, message: string | null): void {
    const next: LiveState = { status, message, cursor: this.tracker.cursor };
    const prev = this.current;
    if (prev.status === next.status && prev.message === next.message && prev.cursor === next.cursor) return;
    this.current = next;
    for (const listener of [...this.stateListeners]) listener(next);
  }
}

/** ws://host/path or wss://host/path for the page's own origin. */
export function liveUrl(path: string, location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export type LiveTarget = { kind: "dashboard" } | { kind: "run"; run: number; after?: number | null };

/** The URL and cursor rules of each stream. */
export function liveOptionsFor(target: LiveTarget): Pick<LiveClientOptions, "url" | "cursorKey" | "ordered" | "initialCursor"> {
  if (target.kind === "dashboard") {
    return { url: liveUrl("/ws/dashboard/"), cursorKey: "id", ordered: false };
  }
  return { url: liveUrl(`/ws/runs/${target.run}/`), cursorKey: "seq", ordered: true, initialCursor: target.after ?? null };
}
