/**
 * Rendering routes in tests on a memory data router, as the app runs them on a
 * browser one: hooks that need a data router (useBlocker) work, and the test
 * can read where the router is (`router.state.location`) or move it.
 */
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, Outlet, RouterProvider, type DataRouter, type RouteObject } from "react-router";
import { App, appRoutes } from "../App";
import { LiveProvider, type OpenLive } from "../live/LiveContext";
import { SessionProvider } from "../session";
import { FakeChannel } from "./fakes";

export interface RenderedRoutes {
  router: DataRouter;
  /** Every live channel the rendered pages opened, in order (tests drive them). */
  channels: FakeChannel[];
  /** Where the router is now: pathname plus search. */
  path: () => string;
}

function liveChannels(): { open: OpenLive; channels: FakeChannel[] } {
  const channels: FakeChannel[] = [];
  return {
    channels,
    open: () => {
      const channel = new FakeChannel();
      channels.push(channel);
      return channel;
    },
  };
}

function rendered(router: DataRouter, channels: FakeChannel[]): RenderedRoutes {
  return { router, channels, path: () => router.state.location.pathname + router.state.location.search };
}

/** The whole app (every route, the layout, the session) at `path`; live channels are fakes unless `open` is given. */
export function renderApp(path: string, options: { open?: OpenLive } = {}): RenderedRoutes {
  const live = liveChannels();
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  render(
    <LiveProvider open={options.open ?? live.open}>
      <App router={router} />
    </LiveProvider>,
  );
  return rendered(router, live.channels);
}

/**
 * Some routes without the app's layout, inside the session provider, at `path`.
 * `routes` maps a path pattern to its element; any other path shows "elsewhere"
 * (data-testid="elsewhere"), so a test sees where a page navigated to.
 */
export function renderRoutes(path: string, routes: Record<string, ReactNode>, options: { open?: OpenLive } = {}): RenderedRoutes {
  const live = liveChannels();
  const children: RouteObject[] = [
    ...Object.entries(routes).map(([pattern, element]) => ({ path: pattern, element })),
    { path: "*", element: <p data-testid="elsewhere">elsewhere</p> },
  ];
  const router = createMemoryRouter([{ element: <Outlet />, children }], { initialEntries: [path] });
  render(
    <LiveProvider open={options.open ?? live.open}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </LiveProvider>,
  );
  return rendered(router, live.channels);
}
