/**
 * List state held in the URL (filters, cursor, open dialog), so every screen state can be linked,
 * reloaded and driven by tests. `set` replaces the given keys; changing a filter drops the cursor
 * stack (paging restarts).
 */
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export const CURSOR = "after";
export const CURSOR_STACK = "back";

export interface UrlState {
  values: Record<string, string>;
  set: (changes: Record<string, string | null | undefined>) => void;
  /** Go to the next page, remembering the current cursor for `previous`. */
  next: (cursor: string) => void;
  previous: () => void;
  hasPrevious: boolean;
}

/** Pure: the next search params after `changes` (exported for tests). */
export function applyChanges(
  current: URLSearchParams,
  changes: Record<string, string | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(current);
  let filterChanged = false;
  for (const [key, value] of Object.entries(changes)) {
    if (key !== CURSOR && key !== CURSOR_STACK && key !== "dialog") filterChanged = true;
    if (value === null || value === undefined || value === "") next.delete(key);
    else next.set(key, value);
  }
  if (filterChanged) {
    next.delete(CURSOR);
    next.delete(CURSOR_STACK);
  }
  return next;
}

/** Pure: search params for the next page after `cursor`. */
export function pushCursor(current: URLSearchParams, cursor: string): URLSearchParams {
  const next = new URLSearchParams(current);
  const stack = (current.get(CURSOR_STACK) ?? "").split(",").filter(Boolean);
  stack.push(current.get(CURSOR) ?? "");
  next.set(CURSOR_STACK, stack.map((item) => item || "-").join(","));
  next.set(CURSOR, cursor);
  return next;
}

/** Pure: search params for the previous page. */
export function popCursor(current: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(current);
  const stack = (current.get(CURSOR_STACK) ?? "").split(",").filter(Boolean);
  const previous = stack.pop();
  if (stack.length) next.set(CURSOR_STACK, stack.join(","));
  else next.delete(CURSOR_STACK);
  if (previous && previous !== "-") next.set(CURSOR, previous);
  else next.delete(CURSOR);
  return next;
}

export function useUrlState(): UrlState {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => Object.fromEntries(params.entries()), [params]);
  const set = useCallback(
    (changes: Record<string, string | null | undefined>) =>
      setParams((current) => applyChanges(current, changes)),
    [setParams],
  );
  const next = useCallback(
    (cursor: string) => setParams((current) => pushCursor(current, cursor)),
    [setParams],
  );
  const previous = useCallback(() => setParams((current) => popCursor(current)), [setParams]);
  return { values, set, next, previous, hasPrevious: params.has(CURSOR_STACK) };
}
