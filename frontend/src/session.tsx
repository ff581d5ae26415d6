import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { ApiError, apiGet } from "./api/client";

export const ME_PATH = "/api/me";

/** The signed-in user, as GET /api/me describes them. */
export interface Me {
  username: string;
  display_name: string;
  roles: string[];
  /** What the roles allow: view, edit, operate, administer. */
  capabilities: Record<string, boolean>;
}

export type Session =
  | { status: "loading" }
  | { status: "ready"; me: Me }
  | { status: "error"; error: ApiError };

const SessionContext = createContext<Session>({ status: "loading" });

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, error instanceof Error ? error.message : String(error));
}

function normalise(raw: Partial<Me>): Me {
  const username = String(raw.username ?? "");
  return {
    username,
    display_name: typeof raw.display_name === "string" && raw.display_name ? raw.display_name : username,
    roles: Array.isArray(raw.roles) ? raw.roles.map(String) : [],
    capabilities: raw.capabilities && typeof raw.capabilities === "object" ? raw.capabilities : {},
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    apiGet<Partial<Me>>(ME_PATH, { signal: controller.signal }).then(
      (me) => setSession({ status: "ready", me: normalise(me) }),
      (error: unknown) => {
        if (!controller.signal.aborted) setSession({ status: "error", error: asApiError(error) });
      },
    );
    return () => controller.abort();
  }, []);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
