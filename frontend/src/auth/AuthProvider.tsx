/**
 * The signed-in user: tokens (session.ts), who they are (`GET /team/me`: role, scopes, merchant)
 * and `can(scope)`, which pages use to hide what the role cannot do (the API still refuses it).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";

import { API_BASE, apiJson } from "../api/client";
import { ApiError, toApiError } from "../api/errors";
import { getTokens, onTokens, setTokens, type Tokens } from "../api/session";
import type { WhoAmI } from "../api/types";

export interface Auth {
  tokens: Tokens | null;
  me: WhoAmI | undefined;
  can: (scope: string) => boolean;
  isAdmin: boolean;
  isStaff: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export async function obtainTokens(username: string, password: string): Promise<Tokens> {
  const response = await fetch(`${API_BASE}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, body);
  return body as Tokens;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [tokens, setState] = useState<Tokens | null>(getTokens);
  const queryClient = useQueryClient();
  useEffect(() => onTokens(setState), []);
  const signedIn = tokens !== null;
  const me = useQuery({
    queryKey: ["me", signedIn],
    queryFn: () => apiJson<WhoAmI>("/team/me"),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });
  const login = useCallback(async (username: string, password: string) => {
    setTokens(await obtainTokens(username, password));
  }, []);
  const logout = useCallback(() => {
    setTokens(null);
    queryClient.clear();
  }, [queryClient]);
  const value = useMemo<Auth>(() => {
    const scopes = new Set(me.data?.scopes ?? []);
    return {
      tokens,
      me: me.data,
      can: (scope) => scopes.has(scope),
      isAdmin: me.data?.role === "admin" || Boolean(me.data?.is_platform_staff),
      isStaff: Boolean(me.data?.is_platform_staff),
      login,
      logout,
    };
  }, [tokens, me.data, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

export { ApiError };
