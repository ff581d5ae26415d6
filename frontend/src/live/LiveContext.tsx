import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { apiGet, ApiError } from "../api/client";
import { ME_PATH } from "../session";
import { LiveClient, liveOptionsFor, type LiveChannel, type LiveEvent, type LiveState, type LiveTarget } from "./socket";

export type OpenLive = (target: LiveTarget) => LiveChannel;

/**
 * After a failed handshake: is the user still signed in? The server refuses a
 * WebSocket from an anonymous session before accepting it, which a browser
 * cannot tell apart from a server that is down, so ask the REST API.
 */
export async function checkSignedIn(): Promise<string | null> {
  try {
    await apiGet(ME_PATH);
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.isAuthError) {
      return "The server refused the live connection: you are not signed in.";
    }
    return null; // unreachable or failing: keep retrying
  }
}

export const openLiveChannel: OpenLive = (target) =>
  new LiveClient({ ...liveOptionsFor(target), checkRefusal: checkSignedIn }).connect();

const LiveContext = createContext<OpenLive>(openLiveChannel);

/** Lets tests (and later, shared connections) decide how live channels are opened. */
export function LiveProvider({ open, children }: { open: OpenLive; children: ReactNode }) {
  return <LiveContext.Provider value={open}>{children}</LiveContext.Provider>;
}

function targetKey(target: LiveTarget): string {
  return target.kind === "dashboard" ? "dashboard" : `run:${target.run}`;
}

/**
 * Hold a live channel open while the component is mounted: `onEvent` gets each
 * new event; the returned state follows the connection.
 */
export function useLiveChannel(target: LiveTarget, onEvent: (event: LiveEvent) => void): LiveState {
  const open = useContext(LiveContext);
  const [state, setState] = useState<LiveState>({ status: "connecting", message: null, cursor: null });
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const key = targetKey(target);
  useEffect(() => {
    // Reconnect only when the stream changes (its key), not on every render's new object.
    const channel = open(target);
    const offEvents = channel.subscribe((event) => handler.current(event));
    const offState = channel.onState(setState);
    return () => {
      offEvents();
      offState();
      channel.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, key]);
  return state;
}
