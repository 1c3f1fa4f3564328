/**
 * The dashboard user's session: the JWT pair from `POST /auth/token`, kept in sessionStorage (one
 * tab's session; closing the tab logs out). Listeners hear login and logout.
 */
const KEY = "mcp-payments.session";

export interface Tokens {
  access: string;
  refresh: string;
}

type Listener = (tokens: Tokens | null) => void;
const listeners = new Set<Listener>();

export function getTokens(): Tokens | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Tokens;
    return parsed.access && parsed.refresh ? parsed : null;
  } catch {
    return null;
  }
}

export function setTokens(tokens: Tokens | null): void {
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener(tokens));
}

export function onTokens(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The claims of a JWT access token (not verified: the server does that). */
export function claims(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json) as Record<string, unknown>;
}
