/**
 * The typed API client (openapi-fetch over `schema.d.ts`, generated from the served OpenAPI
 * document) with the dashboard's middleware:
 *  - `Authorization: Bearer <JWT access token>`;
 *  - `Idempotency-Key` on every POST: one key per user action, reused when the action is retried
 *    (pass `idempotencyKey` in the request's headers, see `newActionKey`);
 *  - on a 401, one refresh through `/auth/token/refresh` and one retry; a second 401 logs out;
 *  - an error envelope becomes an ApiError (thrown by `unwrap`).
 */
import createFetchClient, { type Middleware } from "openapi-fetch";
import createQueryClient from "openapi-react-query";

import { toApiError } from "./errors";
import type { paths } from "./schema";
import { getTokens, setTokens } from "./session";

export const API_BASE = "/api/v1";

/** A fresh key for one user action (a dialog's submit); keep it for that action's retries. */
export function newActionKey(): string {
  return crypto.randomUUID();
}

let refreshing: Promise<boolean> | null = null;

/** Exchange the refresh token once for a new pair; concurrent 401s share one refresh. */
export async function refreshTokens(fetchImpl: typeof fetch = fetch): Promise<boolean> {
  const tokens = getTokens();
  if (!tokens) return false;
  refreshing ??= (async () => {
    try {
      const response = await fetchImpl(`${API_BASE}/auth/token/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh: tokens.refresh }),
      });
      if (!response.ok) return false;
      const body = (await response.json()) as { access: string; refresh?: string };
      setTokens({ access: body.access, refresh: body.refresh ?? tokens.refresh });
      return true;
    } catch {
      return false;
    } finally {
      queueMicrotask(() => {
        refreshing = null;
      });
    }
  })();
  return refreshing;
}

const RETRIED = "x-dashboard-retried";

export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const tokens = getTokens();
    if (tokens && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${tokens.access}`);
    }
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", newActionKey());
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.headers.has(RETRIED) || !getTokens()) return response;
    if (!(await refreshTokens())) {
      setTokens(null);
      return response;
    }
    const retry = new Request(request, { headers: new Headers(request.headers) });
    retry.headers.set("Authorization", `Bearer ${getTokens()?.access ?? ""}`);
    retry.headers.set(RETRIED, "1");
    const again = await fetch(retry);
    if (again.status === 401) setTokens(null);
    return again;
  },
};

export const api = createFetchClient<paths>({ baseUrl: API_BASE });
api.use(authMiddleware);
export const $api = createQueryClient(api);

/** The data of an openapi-fetch result, or its ApiError thrown. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw toApiError(result.response.status, result.error);
  }
  return result.data as T;
}

/** A plain JSON call for paths the schema does not have yet (e.g. endpoints landing later). */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const request = new Request(`${API_BASE}${path}`, {
    ...init,
    headers: { "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  const sent = (await authMiddleware.onRequest!({ request } as never)) as Request;
  const response = await authMiddleware.onResponse!({
    request: sent,
    response: await fetch(sent.clone()),
  } as never);
  const answer = response as Response;
  const body = answer.status === 204 ? null : await answer.json().catch(() => null);
  if (!answer.ok) throw toApiError(answer.status, body);
  return body as T;
}
