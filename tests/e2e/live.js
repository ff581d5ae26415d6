// Installed in a signed-in page by the browser tests and the benchmark (page.evaluate):
// raw WebSockets to the live channel and test events, driven from the page as the app would.
(() => {
  const sockets = {};
  const csrfToken = () => {
    const pair = document.cookie.split("; ").find((item) => item.startsWith("csrftoken="));
    return pair ? decodeURIComponent(pair.slice("csrftoken=".length)) : "";
  };
  const wait = (check, timeoutMs, what) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const poll = () => {
        const found = check();
        if (found !== undefined) return resolve(found);
        if (performance.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        setTimeout(poll, 5);
      };
      poll();
    });

  window.glueLive = {
    /** Opens a socket to `path`; resolves after {type: "resume", after} is answered "resumed". */
    async open(name, after, path = "/ws/dashboard/", timeoutMs = 10000) {
      const entry = { messages: [], arrivals: {}, opened: false, closed: null };
      sockets[name] = entry;
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
      const socket = new WebSocket(url);
      entry.socket = socket;
      socket.onopen = () => {
        entry.opened = true;
        socket.send(JSON.stringify({ type: "resume", after }));
      };
      socket.onmessage = (message) => {
        const receivedAt = performance.now();
        // Wall-clock milliseconds, comparable with the server's timestamps (same machine).
        const receivedWall = performance.timeOrigin + receivedAt;
        const data = JSON.parse(message.data);
        entry.messages.push(data);
        if (data.type === "diagnostic.pong") entry.arrivals[data.diagnostic] = { receivedAt, receivedWall, event: data };
      };
      socket.onclose = (event) => {
        entry.closed = { code: event.code, wasClean: event.wasClean };
      };
      await wait(() => entry.messages.find((m) => m.type === "resumed") ?? (entry.closed ? null : undefined), timeoutMs, `${path} to resume`);
      if (entry.closed) throw new Error(`${path} closed with code ${entry.closed.code} before resuming`);
      return entry.messages.find((m) => m.type === "resumed");
    },
    /** {opened, code}: whether a socket to `path` opened, and its close code, within `timeoutMs`. */
    async probe(path = "/ws/dashboard/", timeoutMs = 10000) {
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
      return new Promise((resolve) => {
        let opened = false;
        const socket = new WebSocket(url);
        const timer = setTimeout(() => resolve({ opened, code: null, timedOut: true }), timeoutMs);
        socket.onopen = () => {
          opened = true;
          socket.send(JSON.stringify({ type: "ping" }));
        };
        socket.onmessage = () => {
          clearTimeout(timer);
          socket.close();
          resolve({ opened, code: null, timedOut: false, answered: true });
        };
        socket.onclose = (event) => {
          clearTimeout(timer);
          resolve({ opened, code: event.code, timedOut: false, answered: false });
        };
      });
    },
    messages(name) {
      return sockets[name].messages;
    },
    async close(name, timeoutMs = 10000) {
      const entry = sockets[name];
      entry.socket.close();
      await wait(() => entry.closed ?? undefined, timeoutMs, "the socket to close");
      return entry.closed;
    },
    /** POST /api/diagnostics/ping/ as the signed-in user; resolves to {ping, sent_at, startedAt, answeredAt}. */
    async ping() {
      const startedAt = performance.now();
      const response = await fetch("/api/diagnostics/ping/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json", Accept: "application/json" },
        body: "{}",
      });
      const answeredAt = performance.now();
      if (response.status !== 202) throw new Error(`POST /api/diagnostics/ping/ answered ${response.status}: ${await response.text()}`);
      return { ...(await response.json()), startedAt, answeredAt };
    },
    /** The pong of test event `ping` on socket `name`: {receivedAt, event}. */
    pong(name, ping, timeoutMs = 15000) {
      const entry = sockets[name];
      return wait(() => entry.arrivals[ping], timeoutMs, `the pong of test event ${ping}`);
    },
  };
})();
