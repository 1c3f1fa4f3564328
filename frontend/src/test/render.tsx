/**
 * Rendering a page as the app does, for component tests against MSW: a fresh QueryClient (no
 * retries), the AuthProvider over `GET /team/me` (see `meHandler`), and a memory router at
 * `path` with the given routes, plus a probe of the current location. Browsers' WebSocket is
 * replaced by one that never connects (pages open their live streams; MSW does not serve them).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import type { SetupServer } from "msw/node";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";

import { setTokens } from "../api/session";
import { AuthProvider } from "../auth/AuthProvider";

/** `GET /team/me` answering a merchant user of `role` with `scopes`. */
export function meHandler(who: () => { role: string; scopes: string[] }) {
  return http.get("*/api/v1/team/me", () =>
    HttpResponse.json({
      actor_type: "user",
      username: "ada",
      is_platform_staff: false,
      merchant: "mer_1",
      merchant_name: "M",
      ...who(),
    }),
  );
}

/** A WebSocket that stays connecting and never delivers anything. */
export class SilentWebSocket {
  static readonly CONNECTING = 0;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onclose: (() => void) | null = null;
  send() {}
  close() {}
}

function Location() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/** Sign in (tokens in the session) and render `routes` at `path`. */
export function renderRoute(routes: { path: string; element: ReactNode }[], path: string) {
  setTokens({ access: "a", refresh: "r" });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    routes.map((route) => ({
      path: route.path,
      element: (
        <>
          {route.element}
          <Location />
        </>
      ),
    })),
    { initialEntries: [path] },
  );
  render(
    <QueryClientProvider client={client}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { router, client };
}

/** The current path and query of the memory router. */
export function currentLocation(): string {
  return screen.getByTestId("location").textContent ?? "";
}

/**
 * Run `server` for the file's tests (unhandled requests fail them) with SilentWebSocket for
 * the pages' live streams. Stubbed after listen: MSW installs its own WebSocket interceptor.
 */
export function serveDuringTests(server: SetupServer, { sockets = true } = {}) {
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    if (sockets) vi.stubGlobal("WebSocket", SilentWebSocket);
  });
  afterAll(() => {
    server.close();
    vi.unstubAllGlobals();
  });
  afterEach(() => server.resetHandlers());
}
